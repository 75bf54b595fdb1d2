import { request as httpRequest, Agent } from "node:http";
import { connect as tcpConnect } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Ack } from "@/lib/protocol";
import { collectFrames, connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";
import { deeplyNested, hostilePayload, Rng, type FuzzContext } from "./fuzz-values";

const SEED = (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed_b4c7) >>> 0;
const SOCKET_MESSAGES = 10_000;
const HTTP_REQUESTS = 2_000;
const FUZZ_SOCKETS = 40;
const RAW_SOCKETS = 10;
/** Per-socket rate in the fuzz server: high enough that most messages reach the parsers. */
const CONTROLS_PER_SECOND = 200;
const EVENTS = ["session:join", "session:control", "session:trace", "session:resync", "session:fork", "poll:open", "poll:vote", "poll:reveal", "poll:cancel"] as const;
const UNKNOWN_EVENTS = ["session:hack", "__proto__", "constructor", "toString", "session:JOIN", "", "x".repeat(500), "hasOwnProperty"];

/** Heap in use after a full garbage collection, so the bound is on what the server keeps, not on garbage. */
function retainedHeap(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

/** Figures printed at the end and checked by the tests. */
const figures = { messagesFuzzed: 0, rawFrames: 0, routesFuzzed: 0, crashes: 0, stepsLost: 0, disconnectsProvoked: 0, acks: {} as Record<string, number> };

describe(`hardening: seeded fuzzing of sockets and HTTP (FUZZ_SEED=${SEED})`, () => {
  let server: TestServer;
  let wsUrl: string;
  const rng = new Rng(SEED);
  const errors: unknown[] = [];
  const onProcessError = (err: unknown) => errors.push(err);
  let consoleErrors: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    server = await startTestServer("pglite", { CONTROLS_PER_SECOND: String(CONTROLS_PER_SECOND), FAILED_JOINS_PER_MINUTE: "1000000" });
    wsUrl = `${server.url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
    process.on("uncaughtException", onProcessError);
    process.on("unhandledRejection", onProcessError);
    // Handler failures the server did not expect are logged as "backprop-live: … failed"; they count as crashes.
    consoleErrors = vi.spyOn(console, "error");
  });
  afterAll(async () => {
    process.off("uncaughtException", onProcessError);
    process.off("unhandledRejection", onProcessError);
    consoleErrors.mockRestore();
    console.log(`fuzz figures (seed ${SEED}): ${JSON.stringify(figures)}`);
    await server?.close();
  });

  /** Runs a check; on failure prints the seed so the run can be replayed. */
  async function replayable(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      console.error(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run tests/server/hardening/fuzz.integration.test.ts)`);
      throw err;
    }
  }

  async function dbCounts() {
    await server.live.queue.drain();
    const p = server.db.prisma;
    return {
      // Forks are sessions a valid `session:fork` creates (any joined student may make a few, F3).
      sessions: await p.session.count({ where: { parentId: null } }),
      forks: await p.session.count({ where: { parentId: { not: null } } }),
      metrics: await p.stepMetric.count(),
      controls: await p.controlEvent.count(),
      instructors: await p.participant.count({ where: { role: "instructor" } }),
    };
  }

  function unexpectedServerErrors(): number {
    return consoleErrors.mock.calls.filter((args: unknown[]) => String(args[0]).startsWith("backprop-live:")).length;
  }

  it("≥ 10,000 hostile socket messages: no crash, the class keeps every step, memory and database stay bounded", async () => {
    await replayable(async () => {
      const a = await createSession(server.url, { title: "fuzzed class" });
      const b = await createSession(server.url, { title: "other class" });
      const ctx: FuzzContext = { joinCodes: [a.joinCode, b.joinCode, a.joinCode.toLowerCase()], sessionIds: [a.id, b.id, randomUUID()] };
      const teacher = await connectClient(server.url);
      await join(teacher, { joinCode: a.joinCode, name: "Teacher", instructorKey: a.instructorKey });
      const student = await connectClient(server.url);
      await join(student, { joinCode: a.joinCode, name: "Legit student" });
      const frames = collectFrames(student);
      const before = await dbCounts();
      const heapBefore = retainedHeap();

      // The lecture goes on while the fuzzers attack: the instructor steps and changes the learning rate.
      let fuzzing = true;
      let lastStep = 0;
      let legitControls = 0;
      const lecture = (async () => {
        const lr = new Rng(SEED ^ 0xabcdef);
        while (fuzzing) {
          const control = lr.chance(0.1) ? { action: "set", learningRate: lr.pick([0.01, 0.03, 0.1]) } : { action: "step", count: lr.int(1, 3) };
          const ack = await request<{ step: number }>(teacher, "session:control", control);
          if (!ack.ok) throw new Error(`legit control ${JSON.stringify(control)} failed: ${ack.error.code} ${ack.error.message}`);
          legitControls++;
          lastStep = ack.data.step;
        }
      })();

      const sockets: Client[] = [];
      const raws: WebSocket[] = [];
      const acks: Promise<unknown>[] = [];
      const countAck = (res: unknown) => {
        const error = (res as Ack<unknown>)?.ok === false ? (res as { error: { code: string } }).error : null;
        if (error?.code === "INTERNAL") figures.crashes++;
        const kind = error?.code ?? ((res as Ack<unknown>)?.ok === true ? "ok" : "other");
        figures.acks[kind] = (figures.acks[kind] ?? 0) + 1;
      };
      const freshSocket = async (): Promise<Client> => {
        const s = await connectClient(server.url);
        s.on("disconnect", () => figures.disconnectsProvoked++);
        return s;
      };
      for (let i = 0; i < FUZZ_SOCKETS; i++) sockets.push(await freshSocket());
      for (let i = 0; i < RAW_SOCKETS; i++) raws.push(await rawSocket(wsUrl, countAck));

      for (let sent = 0; sent < SOCKET_MESSAGES; sent++) {
        if (rng.chance(0.15)) {
          const slot = rng.int(0, RAW_SOCKETS - 1);
          if (raws[slot].readyState !== WebSocket.OPEN) raws[slot] = await rawSocket(wsUrl, countAck);
          for (const frame of rawFrames(rng, ctx)) raws[slot].send(frame);
          figures.rawFrames++;
        } else {
          const slot = rng.int(0, FUZZ_SOCKETS - 1);
          if (!sockets[slot].connected) sockets[slot] = await freshSocket();
          const event = rng.chance(0.9) ? rng.pick(EVENTS) : rng.pick(UNKNOWN_EVENTS);
          const payload = rng.chance(0.01) ? "x".repeat(1_000_000) : hostilePayload(rng, ctx, event);
          const extra = rng.chance(0.05) ? [hostilePayload(rng, ctx)] : [];
          const emit = sockets[slot].emit as (...args: unknown[]) => void;
          const withAck = rng.chance(0.7);
          if (withAck) acks.push(new Promise((resolve) => emit.call(sockets[slot], event, payload, ...extra, (res: unknown) => resolve(countAck(res)))));
          else emit.call(sockets[slot], event, ...(rng.chance(0.2) ? [] : [payload]), ...extra);
        }
        figures.messagesFuzzed++;
        // Let the server breathe (and the lecture go on) between bursts, as a real class would.
        if (sent % 250 === 249) await new Promise((r) => setTimeout(r, 20));
      }
      // Acks of sockets the server closed (frames above 100 KB) never come; wait for the rest.
      await Promise.race([Promise.all(acks), new Promise((r) => setTimeout(r, 5_000))]);

      // One socket floods beyond its per-second budget: the excess is refused, the socket stays usable.
      const flooder = await freshSocket();
      const floodAcks = await Promise.all(Array.from({ length: 3 * CONTROLS_PER_SECOND }, () => request(flooder, "session:resync", {})));
      const refused = floodAcks.filter((r) => !r.ok && r.error.code === "RATE_LIMITED").length;
      expect(refused).toBeGreaterThanOrEqual(CONTROLS_PER_SECOND);
      expect(flooder.connected).toBe(true);
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await request(flooder, "session:resync", {})).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

      fuzzing = false;
      await lecture;
      await waitFor(() => frames.length >= lastStep, 15_000, `the legit student to receive step ${lastStep}`);
      const steps = frames.map((f) => f[0]);
      figures.stepsLost = lastStep - new Set(steps).size;
      expect(steps).toEqual(Array.from({ length: lastStep }, (_, i) => i + 1));
      expect(student.connected && teacher.connected).toBe(true);

      // Alive: a new class can start and be joined.
      const fresh = await createSession(server.url);
      const newcomer = await connectClient(server.url);
      expect(await join(newcomer, { joinCode: fresh.joinCode, name: "after the storm" })).toMatchObject({ role: "student", step: 0 });

      // The database holds what the valid requests did, nothing else.
      const after = await dbCounts();
      expect(after.sessions - before.sessions).toBe(1);
      expect(after.forks - before.forks).toBeLessThanOrEqual(10); // FORK_LIMIT_PER_IP, all fuzz sockets share 127.0.0.1
      expect(after.metrics - before.metrics).toBe(lastStep);
      expect(await server.db.prisma.stepMetric.count({ where: { sessionId: a.id } })).toBe(lastStep);
      expect(after.controls - before.controls).toBe(legitControls);
      expect(after.instructors - before.instructors).toBe(0);

      const heapGrowthMb = (retainedHeap() - heapBefore) / 2 ** 20;
      expect(({} as Record<string, unknown>).polluted).toBeUndefined(); // no prototype pollution
      console.log(`fuzz: heap ${heapGrowthMb.toFixed(1)} MB above the start, ${lastStep} steps over ${legitControls} legit controls, ${refused} of ${floodAcks.length} flood requests rate limited`);
      expect(heapGrowthMb).toBeLessThan(200);

      figures.crashes += errors.length + unexpectedServerErrors();
      expect(errors).toEqual([]);
      expect(figures.crashes).toBe(0);
      for (const s of [...sockets, flooder, newcomer, teacher, student]) s.disconnect();
      for (const r of raws) r.terminate();
    });
    // Not a speed bound: the suite runs another file beside this one on two cores.
  }, 300_000);

  it("≥ 2,000 random HTTP requests to every route: never a 500, always the security headers, only valid bodies create sessions", async () => {
    await replayable(async () => {
      const known = await createSession(server.url);
      const ctx: FuzzContext = { joinCodes: [known.joinCode], sessionIds: [known.id, randomUUID()] };
      const before = await dbCounts();
      const agent = new Agent({ keepAlive: true, maxSockets: 12 });
      const statuses = new Map<number, number>();
      let created = 0;
      let next = 0;
      const worker = async () => {
        while (next < HTTP_REQUESTS) {
          next++;
          const req = randomHttpRequest(rng, ctx);
          const res = await send(server.url, agent, req);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 201) created++;
          if (res.status >= 500 && res.status !== 503) throw new Error(`${req.method} ${req.path} → ${res.status}: ${res.body.slice(0, 200)}`);
          if (res.status !== 431 && res.status !== 400 && res.headers["x-content-type-options"] !== "nosniff") {
            throw new Error(`${req.method} ${req.path} → ${res.status} without security headers`);
          }
          if (res.headers["access-control-allow-origin"] !== undefined) throw new Error(`${req.path} sent a CORS header`);
          figures.routesFuzzed++;
        }
      };
      await Promise.all(Array.from({ length: 12 }, worker));
      // Garbage that is not HTTP at all: the parser answers 400 and closes.
      for (let i = 0; i < 20; i++) expect(await rawTcp(server.url, garbageBytes(rng))).toMatch(/^(HTTP\/1\.1 400|$)/);
      agent.destroy();
      console.log(`fuzz: HTTP statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}`);
      const after = await dbCounts();
      expect(after.sessions - before.sessions).toBe(created);
      expect(after.metrics).toBe(before.metrics);
      expect(after.controls).toBe(before.controls);
      expect((await fetch(`${server.url}/api/sessions/${known.id}`)).status).toBe(200);
      expect(figures.routesFuzzed).toBeGreaterThanOrEqual(HTTP_REQUESTS);
    });
  }, 180_000); // not a speed bound either
});

/** A raw Engine.IO/Socket.IO WebSocket connected to the main namespace; acks it receives are counted. */
async function rawSocket(url: string, onAck: (res: unknown) => void): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text.startsWith("0")) ws.send("40");
      else if (text.startsWith("40")) resolve();
      else if (text === "2") ws.send("3");
      else if (text.startsWith("43")) {
        try {
          onAck((JSON.parse(text.slice(text.indexOf("["))) as unknown[])[0]);
        } catch {
          // not an ack we can read: the server owes us nothing here
        }
      }
    });
  });
  ws.on("error", () => undefined);
  return ws;
}

/** Hand-made Socket.IO packets, valid and broken, that socket.io-client would never send. */
function rawFrames(rng: Rng, ctx: FuzzContext): (string | Buffer)[] {
  const event = rng.pick([...EVENTS, "session:nope", "disconnect", "connect", "newListener", "__proto__"]);
  const payload = JSON.stringify(hostilePayload(rng, ctx, event)) ?? "null";
  const id = rng.pick(["", "1", "42", "999999999999999999999", "-1", "0"]);
  switch (rng.int(0, 13)) {
    case 0: return [`42${id}["${event}",${payload}]`];
    case 1: return [`42${id}["${event}",${payload}`]; // truncated JSON
    case 2: return [`42${id}{"${event}":1}`, "42[]", "42[null]", `42[1,${payload}]`, "42\"str\""];
    case 3: return [`451-["${event}",{"_placeholder":true,"num":0}]`, Buffer.from(payload)];
    case 4: return [`452-["${event}",{"_placeholder":true,"num":7}]`, Buffer.alloc(3)]; // missing and out-of-range attachments
    case 5: return [`451-["${event}",{"_placeholder":true,"num":"__proto__"}]`, Buffer.alloc(1)];
    case 6: return [`42["${event}",${"[".repeat(10_000)}${"]".repeat(10_000)}]`]; // 10,000 levels
    case 7: return [`451-["${event}",${"[".repeat(10_000)}{"_placeholder":true,"num":0}${"]".repeat(10_000)}]`, Buffer.alloc(2)];
    case 8: return [`42["${event}",${JSON.stringify(deeplyNested(rng, 2_000))}]`];
    case 9: return [Buffer.from(Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255)))]; // binary without a header
    case 10: return [rng.pick(["4", "49", "4x", "", "9", "6", "5", "41", "40", "43[]", "431[1]", "44{}", "400", "40/admin,", "40/nope,{}"])];
    case 11: return [`42["${event}","${"y".repeat(rng.chance(0.5) ? 200_000 : 20_000)}"]`];
    case 12: return [`42${id}["${event}",{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}]`];
    default: return [`4${rng.int(0, 9)}${payload}`];
  }
}

interface HttpCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PROPFIND"];
const CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", ""];
const HOSTILE_IDS = ["..", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "..%252f", "%00", "%ZZ", "%", "%C0%AE%C0%AE", "a".repeat(2_000), "00000000-0000-0000-0000-000000000000", "%F0%9F%A7%A0", "null", "undefined", "__proto__", "constructor", "1%20OR%201=1"];
const QUERIES = ["", "?", "?from=-1", "?from=abc&to=1", "?from=1e400", "?from[]=1", "?__proto__[x]=1", "?from=1&from=2", "?to=0&from=5", "?format=xml", "?format=csv", "?format=json", "?&&&==", "?%", "?from=2147483648", "?unknown=1", "?from=0&to=99999999"];

/** One random request across every route, with hostile ids, queries, bodies and headers. */
function randomHttpRequest(rng: Rng, ctx: FuzzContext): HttpCase {
  const id = rng.chance(0.4) ? rng.pick(ctx.sessionIds) : rng.pick(HOSTILE_IDS);
  const path = rng.pick([
    "/api/sessions", "/api/sessions/", `/api/sessions/${id}`, `/api/sessions/${id}/steps`, `/api/sessions/${id}/export`,
    `/api/sessions/${id}/${rng.pick(["steps", "export", "x", ".."])}/../x`, "/api", "/api/", `/api/${id}`, "/", `/s/${id}`,
    `/api/sessions/${id}/notes`, `/api/sessions/${id}/curve`, `/api/sessions/${id}/comparable`, `/api/sessions/${id}/polls`, `/api/sessions/${id}/data`,
    "/api/templates", `/api/templates/${id}`, "/api/presets",
    `/socket.io/?EIO=${rng.pick(["4", "3", "x", ""])}&transport=${rng.pick(["polling", "websocket", "flash", ""])}&sid=${id}`,
  ]) + rng.pick(QUERIES);
  const method = rng.pick(METHODS);
  const headers: Record<string, string> = {};
  const type = rng.pick(CONTENT_TYPES);
  if (type) headers["content-type"] = type;
  if (rng.chance(0.2)) headers.origin = "http://evil.example";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD" && rng.chance(0.9)) {
    const roll = rng.next();
    if (roll < 0.1) body = Buffer.from("{}");
    else if (roll < 0.2) body = Buffer.from(rng.pick(["{", "null", "[]", '"s"', "1", "{\"title\":", "\u0000", "{\"__proto__\":{\"x\":1}}", "{\"layers\":[2,2,1],\"constructor\":{\"prototype\":{}}}"]));
    else if (roll < 0.3) body = Buffer.alloc(rng.int(256 * 1024 + 1, 600 * 1024), 0x20);
    else if (roll < 0.35) body = Buffer.from(`{"layers":${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    else if (roll < 0.4) body = Buffer.from(Array.from({ length: rng.int(0, 200) }, () => rng.int(0, 255)));
    else body = Buffer.from(JSON.stringify(hostilePayload(rng, ctx)) ?? "null");
  }
  return { method, path, headers, body };
}

/** Sends a request; resolves with status, headers and body text. */
function send(base: string, agent: Agent, req: HttpCase): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    // The server may answer 413 and close before reading a large body: that is a refusal, not a failure.
    r.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" || err.code === "EPIPE" ? resolve({ status: 413, headers: { "x-content-type-options": "nosniff" }, body: "" }) : reject(err)));
    r.end(req.body);
  });
}

function garbageBytes(rng: Rng): Buffer {
  const lines = [`${rng.pick(["GET", "G\u0000T", "POST", "\r\n"])} /${"%".repeat(rng.int(0, 3))} HTTP/${rng.pick(["1.1", "9.9", "x"])}`, `Content-Length: ${rng.pick(["-1", "abc", "99999999999999999999", "5, 6"])}`, "Transfer-Encoding: chunked", ""];
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n"), Buffer.from(Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255)))]);
}

/** Writes raw bytes to the HTTP port; resolves with what the server answers before closing. */
function rawTcp(base: string, bytes: Buffer): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let out = "";
    const s = tcpConnect(Number(url.port), url.hostname, () => s.end(bytes));
    s.on("data", (d) => (out += d.toString("latin1")));
    s.on("error", () => resolve(out));
    s.on("close", () => resolve(out));
    setTimeout(() => s.destroy(), 2_000);
  });
}
