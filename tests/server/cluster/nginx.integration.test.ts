import { afterAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import { collectFrames, connectClient, createSession, join, request, waitFor, type Client } from "../helpers/live-server";
import { hasNginx, startNginx, type OwnNginx } from "../helpers/nginx";
import { clusterUnavailable, gapsAndDuplicates, stepsOf, TestCluster } from "./helpers";

const unavailable = await clusterUnavailable();
const skip = unavailable ?? (hasNginx ? null : "nginx is not installed (.ci/run installs it)");
if (skip) console.warn(`nginx sample config test skipped: ${skip}`);

describe.skipIf(skip !== null)("[C10] the sample nginx config (deploy/nginx.conf) in front of two nodes", { timeout: 180_000 }, () => {
  const cluster = new TestCluster();
  const sockets: Client[] = [];
  let nginx: OwnNginx | undefined;
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await nginx?.stop();
    await cluster.close();
  });

  it("[C10] clients through nginx (long-polling upgraded to WebSocket, and polling only) join, control and receive the steps; a student on the other node too", async () => {
    await cluster.init();
    const a = await cluster.start();
    const b = await cluster.start();
    nginx = await startNginx([a.url, b.url]);
    const front = nginx.url;
    // Health through nginx; /metrics is refused there (every node would see nginx's loopback address).
    expect((await fetch(`${front}/readyz`)).status).toBe(200);
    expect((await fetch(`${front}/metrics`)).status).toBe(403);
    expect((await fetch(`${a.url}/metrics`)).status).toBe(200);

    const s = await createSession(front);
    const connectVia = (transports: ("polling" | "websocket")[]) =>
      new Promise<Client>((resolve, reject) => {
        const c: Client = connect(front, { transports, forceNew: true, reconnection: false });
        sockets.push(c);
        c.once("connect", () => resolve(c));
        c.once("connect_error", reject);
      });
    const upgraded = await connectVia(["polling", "websocket"]);
    const polling = await connectVia(["polling"]);
    const teacher = await connectVia(["polling", "websocket"]);
    const direct = await connectClient(b.url);
    sockets.push(direct);
    const lists = [upgraded, polling, direct].map(collectFrames);
    const snaps = await Promise.all([upgraded, polling, direct].map((c, k) => join(c, { joinCode: s.joinCode, name: `S${k}` })));
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    await waitFor(() => upgraded.io.engine.transport.name === "websocket", 10_000, "the upgrade to WebSocket through nginx");
    expect((await request(teacher, "session:control", { action: "play", stepsPerSecond: 20 })).ok).toBe(true);
    await waitFor(() => lists.every((l) => l.length >= 20), 30_000, "20 steps on every client");
    const paused = await request<{ step: number }>(teacher, "session:control", { action: "pause" });
    expect(paused.ok).toBe(true);
    if (!paused.ok) return;
    await waitFor(() => lists.every((l) => stepsOf(l).at(-1) === paused.data.step), 15_000, "every client at the paused step");
    lists.forEach((l, k) => expect(gapsAndDuplicates(stepsOf(l), snaps[k].step + 1)).toEqual([]));
    expect(polling.io.engine.transport.name).toBe("polling");
  });
});
