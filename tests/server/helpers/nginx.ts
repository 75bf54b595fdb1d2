import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./child-server";

const SAMPLE = fileURLToPath(new URL("../../../deploy/nginx.conf", import.meta.url));

/** Whether nginx is installed (.ci/run installs it). */
export const hasNginx = spawnSync("nginx", ["-v"]).status === 0;

/** deploy/nginx.conf with the test's ports in place of the sample's; nothing else changes. */
export async function renderNginxConfig(listen: number, upstreams: number[]): Promise<string> {
  const sample = await readFile(SAMPLE, "utf8");
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p};`).join("\n");
  const rendered = sample.replace(/(    server 127\.0\.0\.1:\d+;\n)+/, `${servers}\n`).replace(/listen \d+;/, `listen 127.0.0.1:${listen};`);
  if (!rendered.includes(servers) || !rendered.includes(`listen 127.0.0.1:${listen};`)) throw new Error("deploy/nginx.conf no longer has the upstream/listen lines this test rewrites");
  return rendered;
}

/** An nginx of the test's own, running the sample config in a temp dir (the system service is never used). */
export interface OwnNginx {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx with deploy/nginx.conf in front of `upstreams` (node URLs, in the config's order) and
 * resolves once it answers.
 */
export async function startNginx(upstreams: string[]): Promise<OwnNginx> {
  // nginx cannot report a port it picked: a free port is chosen first, and taken again if another
  // process bound it in between (nginx then exits with "Address already in use").
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNginxOn(await freePort(), upstreams);
    } catch (error) {
      if (attempt === 3 || !String(error).includes("Address already in use")) throw error;
    }
  }
}

async function startNginxOn(port: number, upstreams: string[]): Promise<OwnNginx> {
  const dir = await mkdtemp(path.join(tmpdir(), "bp-nginx-"));
  await writeFile(path.join(dir, "nginx.conf"), await renderNginxConfig(port, upstreams.map((u) => Number(new URL(u).port))));
  let log = "";
  const nginx = spawn("nginx", ["-p", dir, "-c", "nginx.conf", "-g", `daemon off; pid ${path.join(dir, "nginx.pid")};`], { stdio: ["ignore", "pipe", "pipe"] });
  nginx.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise((r) => nginx.once("exit", r));
  const stop = async () => {
    if (nginx.exitCode === null && nginx.signalCode === null) {
      nginx.kill("SIGQUIT");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let k = 0; k < 50 && nginx.exitCode === null; k++) {
    if (await fetch(`${url}/api/sessions/none`).then((r) => r.status === 404, () => false)) return { url, log: () => log, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`nginx did not answer:\n${log}`);
}
