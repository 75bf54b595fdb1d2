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

  /** One broadcast: the ids it leaves out, then the measurement after it. */
  function broadcast(slow: SlowReaders, resync: (s: Socket) => void, frame = FRAME): string[] {
    const skipped = slow.skipped();
    slow.scan("s:1", frame, resync);
    return skipped;
  }

  it("[R20] skips a socket backed up beyond STALE_BYTES from the next broadcast, keeps skipping it until it drains, then resyncs it once", () => {
    const { io, setBacklog } = fakeServer(["a", "b"]);
    let t = 0;
    const slow = new SlowReaders(io, () => t);
    const resynced: string[] = [];
    const resync = (s: Socket) => void resynced.push(s.id);
    setBacklog("b", STALE_BYTES + 1);
    expect(broadcast(slow, resync)).toEqual([]); // measured after this broadcast…
    t += SCAN_INTERVAL_MS;
    expect(broadcast(slow, resync)).toEqual(["b"]); // …left out of the next
    setBacklog("b", DRAINED_BYTES + 1); // draining, not drained yet
    t += SCAN_INTERVAL_MS;
    expect(broadcast(slow, resync)).toEqual(["b"]);
    expect(resynced).toEqual([]);
    setBacklog("b", DRAINED_BYTES);
    t += SCAN_INTERVAL_MS;
    expect(broadcast(slow, resync)).toEqual(["b"]); // left out of this one, which its snapshot (sent after it) holds
    expect(resynced).toEqual(["b"]);
    t += SCAN_INTERVAL_MS;
    expect(broadcast(slow, resync)).toEqual([]); // and it gets every frame after the snapshot
    expect(slow.size).toBe(0);
  });

  it("[R20] between measurements keeps skipping stale sockets, and never skips one resynced at the last measurement", () => {
    const { io, setBacklog } = fakeServer(["a", "b", "c"]);
    let t = 0;
    const slow = new SlowReaders(io, () => t);
    const resynced: string[] = [];
    const resync = (s: Socket) => void resynced.push(s.id);
    setBacklog("b", STALE_BYTES + 1);
    setBacklog("c", STALE_BYTES + 1);
    expect(broadcast(slow, resync)).toEqual([]);
    setBacklog("c", 0);
    t += SCAN_INTERVAL_MS;
    expect(broadcast(slow, resync)).toEqual(["b", "c"]); // c drained: resynced after this broadcast
    expect(resynced).toEqual(["c"]);
    t += SCAN_INTERVAL_MS / 2;
    expect(broadcast(slow, resync)).toEqual(["b"]); // no measurement: b still stale, c receives
    setBacklog("a", STALE_BYTES + 1);
    t += SCAN_INTERVAL_MS / 4;
    expect(broadcast(slow, resync)).toEqual(["b"]); // a is caught at the next measurement…
    t += SCAN_INTERVAL_MS / 4;
    expect(broadcast(slow, resync)).toEqual(["b"]); // …after this broadcast, at most SCAN_INTERVAL_MS later
    expect(broadcast(slow, resync).sort()).toEqual(["a", "b"]);
    expect(resynced).toEqual(["c"]);
  });

  it("forgets sockets that left the room", () => {
    const { io, setBacklog } = fakeServer(["a", "b"]);
    let t = 0;
    const slow = new SlowReaders(io, () => t);
    setBacklog("b", STALE_BYTES + 1);
    broadcast(slow, () => undefined);
    expect(slow.skipped()).toEqual(["b"]);
    (io.sockets.adapter.rooms.get("s:1") as Set<string>).delete("b");
    t += SCAN_INTERVAL_MS;
    broadcast(slow, () => undefined);
    expect(slow.skipped()).toEqual([]);
  });

  it("measures frames only when it reads the buffers, and counts queued engine.io packets at that size", () => {
    const { io } = fakeServer(["a"]);
    let t = 0;
    let sized = 0;
    const slow = new SlowReaders(io, () => t);
    const frame = () => (sized++, 300_000);
    (io.sockets.sockets.get("a") as unknown as FakeSocket).conn.writeBuffer.push({}, {}, {}, {}); // 4 × 300 KB queued
    expect(broadcast(slow, () => undefined, frame)).toEqual([]);
    t += 1;
    expect(broadcast(slow, () => undefined, frame)).toEqual(["a"]);
    expect(sized).toBe(1);
  });
});
