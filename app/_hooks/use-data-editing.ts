"use client";

import { useCallback, useState } from "react";
import type { Point } from "@/lib/engine";
import { ApiError, putData } from "@/app/_lib/api";
import { datasetPoints, editPoints, type EditMode } from "@/app/_lib/point-edit";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";

/** Largest point list sent over the socket (its payloads are limited to 16 KB, P2); bigger ones go by HTTP PUT. */
const SOCKET_JSON_BYTES = 15_000;

/** The instructor's data editing: the plane's click mode, the last message, and sending a new point list. */
export interface DataEditing {
  mode: EditMode | null;
  setMode(mode: EditMode | null): void;
  message: { text: string; ok: boolean } | null;
  busy: boolean;
  /**
   * Replaces the dataset with `points` for everyone (a new run from step 0, D1). `explain` rewords the
   * server's refusal (a CSV names its rows by line, not "points[k]").
   */
  apply(points: Point[], what: string, explain?: (message: string) => string): Promise<boolean>;
  /** A click on the plane in the current mode (a modifier or right click removes). */
  onPlaneClick(x1: number, x2: number, remove: boolean, radius: number): void;
}

/** Data editing state for the instructor's console. */
export function useDataEditing(store: SessionStore, client: SessionClient | null, instructorKey: string | null): DataEditing {
  const [mode, setMode] = useState<EditMode | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = useCallback(
    async (points: Point[], what: string, explain: (message: string) => string = (m) => m): Promise<boolean> => {
      const meta = store.getView().meta;
      if (!client || !meta) return false;
      setBusy(true);
      try {
        const spec = meta.config.dataset;
        const testRatio = "points" in spec ? spec.testRatio : undefined;
        const payload = { action: "data", points, ...(testRatio !== undefined ? { testRatio } : {}) };
        if (JSON.stringify(payload).length <= SOCKET_JSON_BYTES) {
          const res = await client.control(payload);
          setMessage(res.ok ? { text: `${what} Everyone now trains on ${points.length} points from step 0.`, ok: true } : { text: explain(res.error.message), ok: false });
          return res.ok;
        }
        if (!instructorKey) return false;
        await putData(meta.sessionId, instructorKey, points);
        setMessage({ text: `${what} Everyone now trains on ${points.length} points from step 0.`, ok: true });
        return true;
      } catch (err) {
        setMessage({ text: err instanceof ApiError ? explain(err.message) : "Could not send the points.", ok: false });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [store, client, instructorKey],
  );

  const onPlaneClick = useCallback(
    (x1: number, x2: number, remove: boolean, radius: number) => {
      const meta = store.getView().meta;
      if (!meta || !mode || busy) return;
      const result = editPoints(datasetPoints(meta.config), remove ? "remove" : mode, x1, x2, radius);
      if (!result.ok) return setMessage({ text: result.message, ok: false });
      void apply(result.points, result.message);
    },
    [store, mode, busy, apply],
  );

  return { mode, setMode, message, busy, apply, onPlaneClick };
}
