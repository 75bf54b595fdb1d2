import { request as httpRequest } from "node:http";
import { connect as tcpConnect } from "node:net";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createSession, startTestServer, type TestServer } from "../helpers/live-server";

/** The status line and headers a raw WebSocket upgrade to Socket.IO gets with these headers. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/socket.io/?EIO=4&transport=websocket`, {
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Resolves "connected" or the connect_error message of a socket opened with these headers. */
function tryConnect(url: string, headers: Record<string, string>, transport: "websocket" | "polling"): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(url, { transports: [transport], forceNew: true, reconnection: false, extraHeaders: headers });
    socket.once("connect", () => {
      socket.disconnect();
      resolve("connected");
    });
    socket.once("connect_error", (err) => {
      socket.disconnect();
      resolve(`refused: ${err.message}`);
    });
  });
}

describe("web hardening: security headers and closed CORS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", { PUBLIC_URL: "https://class.example.org" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("every API response (success, error, unknown path) carries the security headers and no CORS header", async () => {
    const created = await createSession(server.url);
    const responses = [
      await fetch(`${server.url}/api/sessions/${created.id}`, { headers: { origin: "http://evil.example" } }),
      await fetch(`${server.url}/api/sessions/not-an-id`, { headers: { origin: "http://evil.example" } }),
      await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "text/plain", origin: "http://evil.example" }, body: "x" }),
      await fetch(`${server.url}/api/sessions`, { method: "OPTIONS", headers: { origin: "http://evil.example", "access-control-request-method": "POST" } }),
      await fetch(`${server.url}/not-api`),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 404, 415, 405, 404]);
    for (const res of responses) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self' 'unsafe-inline'");
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("a Socket.IO handshake from another origin is refused, over WebSocket and polling", async () => {
    expect(await tryConnect(server.url, { origin: "http://evil.example" }, "websocket")).toMatch(/^refused/);
    expect(await tryConnect(server.url, { origin: "http://evil.example" }, "polling")).toMatch(/^refused/);
    expect(await tryConnect(server.url, { origin: "null" }, "websocket")).toMatch(/^refused/);
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "http://evil.example" } });
    expect(polling.status).toBe(403);
    expect(polling.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("pages of this server (the request's host or PUBLIC_URL) and non-browser clients connect", async () => {
    const host = new URL(server.url).host;
    expect(await tryConnect(server.url, { origin: `http://${host}` }, "websocket")).toBe("connected");
    expect(await tryConnect(server.url, { origin: "https://class.example.org" }, "websocket")).toBe("connected");
    expect(await tryConnect(server.url, {}, "polling")).toBe("connected");
    (await connectClient(server.url)).disconnect();
  });

  it("[issue 13] a cross-origin WebSocket gets 403 with the security headers; a foreign Origin is refused even when the Host header matches it (DNS rebinding)", async () => {
    const port = new URL(server.url).port;
    const evil = await upgradeStatus(server.url, { origin: "http://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.headers["x-frame-options"]).toBe("DENY");
    const rebound = await upgradeStatus(server.url, { origin: `http://rebind.example:${port}`, host: `rebind.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(await tryConnect(server.url, { origin: `http://rebind.example:${port}`, host: `rebind.example:${port}` }, "polling")).toMatch(/^refused/);
    expect((await upgradeStatus(server.url, { origin: "https://class.example.org" })).status).toBe(101);
    expect((await upgradeStatus(server.url, { origin: `http://127.0.0.1:${port}` })).status).toBe(101);
  });

  it("[issue 13] Node's own answers to unparseable requests carry the security headers", async () => {
    const { port } = new URL(server.url);
    const answer = (raw: string) =>
      new Promise<string>((resolve) => {
        const socket = tcpConnect(Number(port), "127.0.0.1", () => socket.write(raw));
        let text = "";
        socket.on("data", (d) => (text += d.toString()));
        socket.on("close", () => resolve(text));
        socket.on("error", () => resolve(text));
      });
    const garbage = await answer("NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage.toLowerCase()).toContain("x-content-type-options: nosniff");
    const huge = await answer(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge.toLowerCase()).toContain("content-security-policy: default-src 'self'");
  });
});
