import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createSession, startTestServer, type TestServer } from "../helpers/live-server";

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
});
