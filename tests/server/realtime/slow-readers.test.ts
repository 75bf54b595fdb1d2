import type { Server, Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import { DRAINED_BYTES, SCAN_INTERVAL_MS, SlowReaders, STALE_BYTES } from "@/server/realtime/slow-readers";

/** A socket whose WebSocket send buffer holds `buffered` bytes (what backlogBytes reads). */
interface FakeSocket {
  id: string;
  conn: { writeBuffer: unknown[]; transport: { socket: { bufferedAmount: number } } };
}

function fakeServer(ids: string[]) {
  const sockets = new Map<string, FakeSocket>(ids.map((id) => [id, { id, conn: { writeBuffer: [], transport: { socket: { bufferedAmount: 0 } } } }]));
  const io = { sockets: { adapter: { rooms: new Map([["s:1", new Set(ids)]]) }, sockets } };
  const setBacklog = (id: string, bytes: number) => (sockets.get(id)!.conn.transport.socket.bufferedAmount = bytes);
  return { io: io as unknown as Server, setBacklog };
}

describe("SlowReaders", () => {
  const FRAME = () => 200;

  it("[R20] skips a socket backed up beyond STALE_BYTES, keeps skipping it until it drains, then resyncs it once", () => {
    const { io, setBacklog } = fakeServer(["a", "b"]);
    let t = 0;
    const slow = new SlowReaders(io, () => t);
    const resynced: string[] = [];
    const resync = (s: Socket) => void resynced.push(s.id);
    expect(slow.check("s:1", FRAME, resync)).toEqual([]);
    setBacklog("b", STALE_BYTES + 1);
    t += SCAN_INTERVAL_MS;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b"]);
    setBacklog("b", DRAINED_BYTES + 1); // draining, not drained yet
    t += SCAN_INTERVAL_MS;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b"]);
    expect(resynced).toEqual([]);
    setBacklog("b", DRAINED_BYTES);
    t += SCAN_INTERVAL_MS;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b"]); // its snapshot already holds this step
    expect(resynced).toEqual(["b"]);
    t += SCAN_INTERVAL_MS;
    expect(slow.check("s:1", FRAME, resync)).toEqual([]); // and it gets every frame after the snapshot
    expect(slow.size).toBe(0);
  });

  it("[R20] between measurements keeps skipping stale sockets, and never skips one resynced at the last measurement", () => {
    const { io, setBacklog } = fakeServer(["a", "b", "c"]);
    let t = 0;
    const slow = new SlowReaders(io, () => t);
    const resync = () => undefined;
    setBacklog("b", STALE_BYTES + 1);
    setBacklog("c", STALE_BYTES + 1);
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b", "c"]);
    setBacklog("c", 0);
    t += SCAN_INTERVAL_MS;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b", "c"]); // c drained: resynced, skipped this once
    t += SCAN_INTERVAL_MS / 2;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b"]); // no measurement: b still stale, c receives
    setBacklog("a", STALE_BYTES + 1);
    t += SCAN_INTERVAL_MS / 4;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["b"]); // a is caught at the next measurement…
    t += SCAN_INTERVAL_MS / 4;
    expect(slow.check("s:1", FRAME, resync)).toEqual(["a", "b"]); // …at most SCAN_INTERVAL_MS later
  });

  it("measures frames only when it reads the buffers, and counts queued engine.io packets at that size", () => {
    const { io } = fakeServer(["a"]);
    let t = 0;
    let sized = 0;
    const slow = new SlowReaders(io, () => t);
    const frame = () => (sized++, 300_000);
    (io.sockets.sockets.get("a") as unknown as FakeSocket).conn.writeBuffer.push({}, {}, {}, {}); // 4 × 300 KB queued
    expect(slow.check("s:1", frame, () => undefined)).toEqual(["a"]);
    t += 1;
    expect(slow.check("s:1", frame, () => undefined)).toEqual(["a"]);
    expect(sized).toBe(1);
  });
});
