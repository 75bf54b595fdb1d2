/**
 * Issue 13: the per-address live-fork limit is shared by every node, and a fork's slot is given back
 * when the fork ends on whichever node runs it, also after a takeover (not only once its window of
 * FORK_IDLE_HOURS runs out, as a per-node count did).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { ForkCreated } from "@/lib/protocol";
import { connectClient, createSession, join, request, type Client } from "../helpers/live-server";
import { issuedToken } from "../helpers/tokens";
import { clusterUnavailable, TestCluster } from "../cluster/helpers";

const unavailable = await clusterUnavailable();
if (unavailable) console.warn(`multi-node tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)("[issue 13][F3] fork slots across a takeover (two nodes, FORK_LIMIT_PER_IP=1)", { timeout: 180_000 }, () => {
  const cluster = new TestCluster();
  const sockets: Client[] = [];
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster.close();
  });
  async function client(url: string): Promise<Client> {
    const c = await connectClient(url);
    sockets.push(c);
    return c;
  }

  it("a fork made on A holds the address's slot on B too; after A is killed and B takes the fork over, ending it there frees the slot at once", async () => {
    await cluster.init();
    const env = { FORK_LIMIT_PER_IP: "1" };
    const a = await cluster.start(env);
    const b = await cluster.start(env);
    const token = issuedToken("takeover-forker");

    // Origin 1 runs on A: the fork is made there.
    const origin1 = await createSession(a.url);
    const student = await client(b.url);
    await join(student, { joinCode: origin1.joinCode, name: "Ada", participantToken: token });
    const fork = await request<ForkCreated>(student, "session:fork", {});
    if (!fork.ok) throw new Error(fork.error.message);

    // Origin 2 runs on B: its forks are made there, and B sees the slot A's fork holds.
    const origin2 = await createSession(b.url);
    const student2 = await client(b.url);
    await join(student2, { joinCode: origin2.joinCode, name: "Ada", participantToken: token });
    expect(await request(student2, "session:fork", {})).toMatchObject({ ok: false, error: { code: "LIMIT_REACHED" } });

    // A dies; B takes the fork over when its owner comes back to it.
    a.child.kill("SIGKILL");
    await a.exited;
    const owner = await client(b.url);
    let joined: Awaited<ReturnType<typeof request>> | undefined;
    for (let k = 0; k < 150 && !joined?.ok; k++) {
      joined = await request(owner, "session:join", { joinCode: fork.data.joinCode, name: "Ada", instructorKey: fork.data.instructorKey, participantToken: token });
      // C13: until B runs it, the fork is a live session nobody runs: UNAVAILABLE, never NOT_FOUND, and
      // these attempts are not failed joins (else the address is blocked before the takeover).
      if (!joined.ok) expect(joined).toMatchObject({ error: { code: "UNAVAILABLE" } });
      if (!joined.ok) await new Promise((r) => setTimeout(r, 200));
    }
    expect(joined).toMatchObject({ ok: true });
    // Still live on B: still holding the slot.
    expect(await request(student2, "session:fork", {})).toMatchObject({ ok: false, error: { code: "LIMIT_REACHED" } });

    expect(await request(owner, "session:control", { action: "end" })).toMatchObject({ ok: true });
    const again = await request<ForkCreated>(student2, "session:fork", {});
    expect(again).toMatchObject({ ok: true });
  });
});
