import type { Redis } from "ioredis";

/** Entries read per XREVRANGE call while looking back. */
const PAGE = 500;

/**
 * The step that the session's room was last told about, read back from the adapter's Redis stream
 * (every broadcast goes through it, so it is exactly what the students on every node received or
 * will receive through connection state recovery): the last `session:step` frame, or the step of
 * the last `session:snapshot`. Null when the stream holds no broadcast to that room (trimmed, or lost
 * with a Redis restart). Only called when taking a session over, so a linear look-back is fine.
 */
export async function lastDeliveredStep(redis: Redis, streamName: string, room: string, maxEntries: number): Promise<number | null> {
  let end = "+";
  for (let read = 0; read < maxEntries; read += PAGE) {
    const entries = await redis.xrevrange(streamName, end, "-", "COUNT", PAGE);
    for (const [id, fields] of entries) {
      const step = stepOf(fields, room);
      if (step !== null) return step;
      end = `(${id}`;
    }
    if (entries.length < PAGE) return null;
  }
  return null;
}

/** The step a raw stream entry tells the room about, or null if it is not a step or snapshot to it. */
function stepOf(fields: string[], room: string): number | null {
  const entry: Record<string, string> = {};
  for (let k = 0; k + 1 < fields.length; k += 2) entry[fields[k]] = fields[k + 1];
  // type 3 is a BROADCAST (socket.io-adapter's MessageType); its data is JSON unless it holds binary,
  // which our step and snapshot payloads never do.
  if (entry.type !== "3" || !entry.data?.startsWith("{")) return null;
  try {
    const data = JSON.parse(entry.data) as { packet?: { data?: unknown[] }; opts?: { rooms?: string[] } };
    if (!data.opts?.rooms?.includes(room)) return null;
    const [event, payload] = data.packet?.data ?? [];
    if (event === "session:step" && Array.isArray(payload) && Number.isSafeInteger(payload[0])) return payload[0] as number;
    if (event === "session:snapshot" && typeof (payload as { step?: unknown })?.step === "number") return (payload as { step: number }).step;
  } catch {
    // not ours
  }
  return null;
}
