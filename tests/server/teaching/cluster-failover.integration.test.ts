import { afterAll, describe, expect, it } from "vitest";
import type { ControlsInfo, PollResult, PollView } from "@/lib/protocol";
import { request, type Client } from "../helpers/live-server";
import { clusterUnavailable, killAndResync, roomRunOnA, TestCluster } from "../cluster/helpers";

const unavailable = await clusterUnavailable();
if (unavailable) console.warn(`multi-node tests skipped: ${unavailable} (CI starts both; see .ci/run)`);

describe.skipIf(unavailable !== null)("[Q10][Q11][H6] a second round and a driver survive kill -9 of the node running the session", { timeout: 180_000 }, () => {
  const cluster = new TestCluster();
  const sockets: Client[] = [];
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster.close();
  });

  it("[Q10][Q11][H6][C6] the node taking over answers with the poll in round 2 (both rounds' votes) and the same driver, who still drives", async () => {
    const { a, teacher, ada, bo, adaSnapshot: adaSnap } = await roomRunOnA(cluster, "teach-failover", sockets);
    const handed = await request<ControlsInfo>(teacher, "control:hand", { participantId: adaSnap.teaching!.driverId });
    expect(handed).toMatchObject({ ok: true, data: { driver: { name: "Ada" } } });
    expect(await request(ada, "session:control", { action: "step", count: 3 })).toMatchObject({ ok: true, data: { step: 3 } });
    const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "wo1" });
    if (!opened.ok) throw new Error(opened.error.message);
    await request(ada, "poll:vote", { pollId: opened.data.id, answer: "up" });
    await request(bo, "poll:vote", { pollId: opened.data.id, answer: "up" });
    expect(await request(teacher, "poll:again", { pollId: opened.data.id })).toMatchObject({ ok: true, data: { round: 2 } });
    expect(await request(ada, "poll:vote", { pollId: opened.data.id, answer: "down" })).toMatchObject({ ok: true });

    const snap = await killAndResync(a, ada);
    expect(snap).toMatchObject({ ok: true, data: { step: 3, teaching: { poll: { id: opened.data.id, round: 2 }, myVote: "down", controls: handed.ok ? handed.data : null } } });
    expect(await request(ada, "poll:vote", { pollId: opened.data.id, answer: "stay" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await request(bo, "poll:vote", { pollId: opened.data.id, answer: "down" })).toMatchObject({ ok: true });
    const revealed = await request<PollResult>(teacher, "poll:reveal", { pollId: opened.data.id });
    expect(revealed).toMatchObject({ ok: true, data: { step: 4, votes: 2, counts: { up: 0, down: 2, stay: 0 }, rounds: [{ counts: { up: 2 }, votes: 2 }, { votes: 2 }], moves: [{ from: "up", to: "down", count: 2 }] } });
    // The driver drives on the new owner; Bo still cannot.
    expect(await request(ada, "session:control", { action: "step" })).toMatchObject({ ok: true, data: { step: 5 } });
    expect(await request(bo, "session:control", { action: "step" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });
});
