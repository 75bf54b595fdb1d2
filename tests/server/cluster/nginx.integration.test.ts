import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import { freePort } from "../helpers/child-server";
import { collectFrames, connectClient, createSession, join, request, waitFor, type Client } from "../helpers/live-server";
import { clusterUnavailable, gapsAndDuplicates, stepsOf, TestCluster } from "./helpers";

const unavailable = await clusterUnavailable();
const hasNginx = spawnSync("nginx", ["-v"]).status === 0;
const skip = unavailable ?? (hasNginx ? null : "nginx is not installed (.ci/run installs it)");
if (skip) console.warn(`nginx sample config test skipped: ${skip}`);

/** deploy/nginx.conf with the test's ports in place of the sample's. */
async function renderConfig(listen: number, upstreams: number[]): Promise<string> {
  const sample = await readFile(path.join(import.meta.dirname, "../../../deploy/nginx.conf"), "utf8");
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p};`).join("\n");
  const rendered = sample
    .replace(/(    server 127\.0\.0\.1:\d+;\n)+/, `${servers}\n`)
    .replace(/listen \d+;/, `listen 127.0.0.1:${listen};`);
  if (!rendered.includes(servers) || !rendered.includes(`listen 127.0.0.1:${listen};`)) throw new Error("deploy/nginx.conf no longer has the upstream/listen lines this test rewrites");
  return rendered;
}

describe.skipIf(skip !== null)("[C10] the sample nginx config (deploy/nginx.conf) in front of two nodes", { timeout: 180_000 }, () => {
  const cluster = new TestCluster();
  const sockets: Client[] = [];
  let nginx: ChildProcess | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once("exit", r));
      nginx.kill("SIGQUIT");
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await cluster.close();
  });

  it("[C10] clients through nginx (long-polling upgraded to WebSocket, and polling only) join, control and receive the steps; a student on the other node too", async () => {
    await cluster.init();
    const a = await cluster.start();
    const b = await cluster.start();
    dir = await mkdtemp(path.join(tmpdir(), "bp-nginx-"));
    const port = await freePort();
    await writeFile(path.join(dir, "nginx.conf"), await renderConfig(port, [new URL(a.url).port, new URL(b.url).port].map(Number)));
    let log = "";
    nginx = spawn("nginx", ["-p", dir, "-c", "nginx.conf", "-g", `daemon off; pid ${path.join(dir, "nginx.pid")};`], { stdio: ["ignore", "pipe", "pipe"] });
    nginx.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    const front = `http://127.0.0.1:${port}`;
    let healthy = false;
    for (let k = 0; k < 50 && !healthy && nginx.exitCode === null; k++) {
      healthy = await fetch(`${front}/api/sessions/none`).then((r) => r.status === 404, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    expect(healthy, `nginx did not answer:\n${log}`).toBe(true);
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
