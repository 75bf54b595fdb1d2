import { afterAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import { decodeStepFrame } from "@/lib/protocol";
import { collectFrames, connectClient, createSession, join, request, waitFor, type Client } from "../helpers/live-server";
import { clusterUnavailable, gapsAndDuplicates, OwnRedis, referenceParams, stepsOf, TestCluster } from "./helpers";

const unavailable = await clusterUnavailable();
if (unavailable) console.warn(`multi-node tests skipped: ${unavailable} (CI starts both; see .ci/run)`);

// The two claims of the Redis Streams adapter's documentation, checked on real processes: it
// resumes the stream without losing packets after a Redis outage, and it supports connection state
// recovery across nodes. The Redis here is the test's own (killed and restarted), never the shared one.
describe.skipIf(unavailable !== null)("[C7] Redis Streams adapter: outage and connection state recovery", { timeout: 180_000 }, () => {
  const cluster = new TestCluster();
  const sockets: Client[] = [];
  let redis: OwnRedis | undefined;
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    if (process.env.CLUSTER_TEST_LOGS) for (const n of cluster.nodes) console.log(n.output());
    await cluster.close();
    await redis?.down();
  });

  it("[C7] Redis killed and restarted mid-session: the session keeps playing, students on the other node miss no step, controls work again", async () => {
    redis = await OwnRedis.start();
    await cluster.init(redis.url);
    const a = await cluster.start();
    const b = await cluster.start();
    const s = await createSession(a.url);
    const student = await connectClient(b.url);
    const teacher = await connectClient(a.url);
    sockets.push(student, teacher);
    const frames = collectFrames(student);
    const snap = await join(student, { joinCode: s.joinCode, name: "Bea" });
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    expect((await request(teacher, "session:control", { action: "play", stepsPerSecond: 20 })).ok).toBe(true);
    await waitFor(() => frames.length >= 20, 30_000, "20 steps before the outage");

    await redis.down();
    const atOutage = frames.length;
    await new Promise((r) => setTimeout(r, 1_500));
    await redis.up();
    await waitFor(() => frames.length >= atOutage + 60, 60_000, "60 more steps after Redis came back");

    // A control from a node other than the owner's crosses Redis: it works again.
    const remoteTeacher = await connectClient(b.url);
    sockets.push(remoteTeacher);
    await join(remoteTeacher, { joinCode: s.joinCode, name: "Teacher 2", instructorKey: s.instructorKey });
    const paused = await request<{ step: number; state: string }>(remoteTeacher, "session:control", { action: "pause" });
    expect(paused).toMatchObject({ ok: true, data: { state: "paused" } });
    if (!paused.ok) return;
    await waitFor(() => stepsOf(frames).at(-1) === paused.data.step, 15_000, "the paused step on node B");
    expect(gapsAndDuplicates(stepsOf(frames), snap.step + 1)).toEqual([]);
    expect(decodeStepFrame(frames.at(-1)!).params).toEqual(referenceParams(paused.data.step));
  });

  it("[C8] connection state recovery: a student cut off for a moment comes back recovered, with the steps it missed and no duplicate", async () => {
    const [a, b] = cluster.nodes;
    const s = await createSession(a.url);
    const teacher = await connectClient(a.url);
    sockets.push(teacher);
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    const student: Client = connect(b.url, { transports: ["websocket"], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 200 });
    sockets.push(student);
    await new Promise<void>((resolve) => student.once("connect", () => resolve()));
    const frames = collectFrames(student);
    const snap = await join(student, { joinCode: s.joinCode, name: "Bea" });
    expect((await request(teacher, "session:control", { action: "play", stepsPerSecond: 20 })).ok).toBe(true);
    await waitFor(() => frames.length >= 10, 30_000, "10 steps before the cut");

    student.io.engine.close(); // transport closed: the client reconnects by itself
    await new Promise<void>((resolve) => student.once("connect", () => resolve()));
    expect(student.recovered).toBe(true);
    const afterCut = frames.length;
    await waitFor(() => frames.length >= afterCut + 20, 30_000, "20 steps after recovery");
    const paused = await request<{ step: number }>(teacher, "session:control", { action: "pause" });
    expect(paused.ok).toBe(true);
    if (!paused.ok) return;
    await waitFor(() => stepsOf(frames).at(-1) === paused.data.step, 15_000, "the paused step");
    expect(gapsAndDuplicates(stepsOf(frames), snap.step + 1)).toEqual([]);
    // Recovered without a new join: the owner counts it again, and it may still use the session.
    const resync = await request(student, "session:resync", {});
    expect(resync).toMatchObject({ ok: true, data: { sessionId: s.id } });
  });
});
