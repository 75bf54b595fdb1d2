"use client";

import { lazy, Suspense, type ReactNode } from "react";
import type { Driver } from "@/lib/wire";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

// Only a browser that drives downloads the controls (the student page stays small for the rest of the room).
const DriverControls = lazy(() => import("./driver-controls").then((m) => ({ default: m.DriverControls })));

/**
 * Who is at the controls besides the instructor, on every view (H4): nothing while only the
 * instructor drives; "Ada is at the controls" for the room; "You are driving" with the training
 * controls for the driver (`client` given: a page that may drive).
 */
export function DriverStatus({ store, client }: { store: SessionStore; client?: SessionClient | null }) {
  const driver = useSessionValue(store, (v) => v.teaching.controls.driver);
  const mine = useSessionValue(store, (v) => v.teaching.controls.driver !== null && v.teaching.controls.driver.id === v.teaching.driverId);
  return (
    <DriverStatusView driver={driver} driving={mine && client !== undefined}>
      <Suspense fallback={<p className="text-sm text-muted">Loading the controls…</p>}>
        <DriverControls store={store} client={client ?? null} />
      </Suspense>
    </DriverStatusView>
  );
}

/** The driver's name as the room reads it. */
export function driverName(driver: Driver): string {
  return driver.kind === "co-instructor" ? `${driver.name} (co-instructor)` : driver.name;
}

/** What DriverStatus draws: `children` (the controls) only while this page drives. */
export function DriverStatusView({ driver, driving, children }: { driver: Driver | null; driving: boolean; children?: ReactNode }) {
  if (!driver) return null;
  if (!driving) {
    return (
      <p role="status" className="rounded-md border border-border bg-surface px-3 py-1.5 text-sm" data-testid="driver-status">
        
        <strong>{driverName(driver)}</strong> is at the controls
      </p>
    );
  }
  return (
    <section aria-labelledby="driving-title" className="flex flex-col gap-2 rounded-xl border-2 border-accent bg-surface p-3" data-testid="you-are-driving">
      <h2 id="driving-title" className="font-semibold">
        You are driving: the instructor handed you the controls
      </h2>
      {children}
    </section>
  );
}
