import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { Server as EngineServer } from "engine.io";
import { Server as SocketServer } from "socket.io";
import { assertDatabaseReady } from "./data/readiness";
import type { Database } from "./db";
import { describeError } from "./describe-error";
import type { Env } from "./env";
import { createHealthRoutes, Health } from "./http/health-routes";
import { allowedOrigins, applySecurityHeaders, isAllowedOrigin, rawResponse, securityHeaders } from "./http/security-headers";
import { log, requestLog } from "./log";
import { bindMetrics, Metrics } from "./metrics";
import { prepareNext, type NextHandlers } from "./next-handlers";
import { tapSocketEvents } from "./realtime/event-tap";

/** Where Socket.IO is served (the client's default). */
export const SOCKET_IO_PATH = "/socket.io/";

/** Socket.IO frames above this close the connection (handlers refuse payloads above the configured limit). */
export const MAX_SOCKET_FRAME_BYTES = 100_000;

/** How long close() lets open HTTP requests finish before cutting them off. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** Handles a request before Next; resolves true when it has answered it. */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
/** Registers socket handlers on the Socket.IO server. */
export type SocketServerHook = (io: SocketServer) => void | Promise<void>;
/** Flushes or stops something while the app closes. */
export type ShutdownHook = () => void | Promise<void>;

/** Extension points; push onto these lists before `listen()`. */
export interface AppHooks {
  /** Tried in order for every HTTP request outside Socket.IO; the first to return true wins. */
  onRequest: RequestHook[];
  /** Called once, in order, by `listen()` before the port opens. */
  onSocketServer: SocketServerHook[];
  /** Called by `close()` after the port stops accepting, before Socket.IO and Next close. */
  onShutdown: ShutdownHook[];
}

/** What `createApp` needs. */
export interface AppOptions {
  env: Env;
  db: Database;
  dev: boolean;
  /** Serve the UI through Next (default true); false gives a fast API/socket-only server for tests. */
  next?: boolean;
  hooks?: Partial<AppHooks>;
}

/** The HTTP server, Socket.IO and Next, wired together. */
export interface App {
  server: ReturnType<typeof createServer>;
  io: SocketServer;
  db: Database;
  hooks: AppHooks;
  /** This app's Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  /** Readiness (GET /readyz): add a check per dependency. */
  health: Health;
  /** Runs the socket hooks, then listens on HOST:PORT (PORT 0 picks a free port). */
  listen(): Promise<{ port: number; url: string }>;
  /** Turns not ready, serves on for SHUTDOWN_DRAIN_SECONDS, then stops accepting, runs shutdown hooks, disconnects sockets, closes Next. Leaves the db open. */
  close(): Promise<void>;
}

/** Builds the app without listening yet. */
export async function createApp(options: AppOptions): Promise<App> {
  const { env, db, dev } = options;
  const metrics = new Metrics();
  const health = new Health();
  health.require({ name: "database", check: () => assertDatabaseReady(db.prisma) });
  const hooks: AppHooks = {
    onRequest: [createHealthRoutes({ health, metrics, metricsToken: env.METRICS_TOKEN }), ...(options.hooks?.onRequest ?? [])],
    onSocketServer: [...(options.hooks?.onSocketServer ?? [])],
    onShutdown: [...(options.hooks?.onShutdown ?? [])],
  };
  const nextHandlers = options.next === false ? null : await prepareNext({ dev, hostname: env.HOST, port: env.PORT });
  // Socket.IO over an engine we feed ourselves, so it adds no request or upgrade listener of its own.
  // CORS stays closed (no `cors` option); browsers do not apply CORS to WebSockets, so pages of other
  // origins are refused at the handshake.
  const origins = allowedOrigins(env.PUBLIC_URL ?? null, env.ALLOWED_ORIGINS ?? []);
  const engine = new EngineServer({
    maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
    allowRequest: (req, done) => (isAllowedOrigin(req, origins) ? done(null, true) : done("cross-origin connections are not allowed", false)),
  });
  const io = new SocketServer({
    path: SOCKET_IO_PATH,
    serveClient: false,
    // A client back within 30 s gets the packets it missed and its rooms, without re-joining. The
    // adapter keeps every broadcast that long, so the window (and the live network size, see
    // limits.ts) bounds that memory; later, clients resync from a snapshot.
    connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true },
  });
  io.bind(engine);
  bindMetrics(io, metrics);
  metrics.watch({ socketsConnected: () => io.of("/").sockets.size });
  tapSocketEvents(io, metrics);

  const headers = securityHeaders(dev);
  const server = createServer((req, res) => {
    applySecurityHeaders(res, headers);
    if (isSocketIoRequest(req)) return engine.handleRequest(req, res);
    res.once("finish", () => {
      if (res.statusCode === 429) metrics.rateLimited();
    });
    void handleHttp(req, res, hooks.onRequest, nextHandlers);
  });
  // Node answers requests it cannot parse itself (400, 431 for huge headers, 408): with our headers.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    socket.end(rawResponse(status, headers));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // engine.io answers a refused upgrade with 400; a cross-origin WebSocket is a 403.
    if (isSocketIoRequest(req) && !isAllowedOrigin(req, origins)) return void socket.end(rawResponse(403, headers, "cross-origin connections are not allowed"));
    if (isSocketIoRequest(req)) return engine.handleUpgrade(req, socket, head);
    if (nextHandlers && req.url?.startsWith("/_next/") && nextHandlers.upgrade(req, socket, head)) return;
    socket.end(rawResponse(404, headers));
  });

  let closing: Promise<void> | undefined;
  return {
    server,
    io,
    db,
    hooks,
    metrics,
    health,
    async listen() {
      for (const hook of hooks.onSocketServer) await hook(io);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(env.PORT, env.HOST, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      return { port, url: `http://${displayHost(env.HOST)}:${port}` };
    },
    close() {
      health.shuttingDown = true;
      closing ??= drain(server, env.SHUTDOWN_DRAIN_SECONDS * 1000).then(() => closeApp(server, io, nextHandlers, hooks.onShutdown));
      return closing;
    },
  };
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  requestHooks: RequestHook[],
  nextHandlers: NextHandlers | null,
): Promise<void> {
  try {
    for (const hook of requestHooks) if (await hook(req, res)) return;
    if (nextHandlers) return await nextHandlers.handle(req, res);
    sendError(res, 404, "NOT_FOUND", `no route for ${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`);
  } catch (error) {
    requestLog(req).error({ err: error }, "request failed");
    if (!res.headersSent) sendError(res, 500, "INTERNAL", "internal server error");
    else res.destroy();
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ ok: false, error: { code, message } });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function closeApp(
  server: App["server"],
  io: SocketServer,
  nextHandlers: NextHandlers | null,
  shutdownHooks: ShutdownHook[],
): Promise<void> {
  const stopped = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  try {
    for (const hook of shutdownHooks) {
      await Promise.resolve()
        .then(hook)
        .catch((error) => log.error({ err: error }, `shutdown hook failed: ${describeError(error)}`));
    }
    await io.close();
    await nextHandlers?.close();
    server.closeIdleConnections();
    await stopped;
  } finally {
    clearTimeout(grace);
  }
}

/**
 * Serves on, not ready, for `ms` before closing, so a load balancer polling /readyz stops sending new
 * clients first (0: close at once).
 */
function drain(server: App["server"], ms: number): Promise<void> {
  if (ms <= 0 || !server.listening) return Promise.resolve();
  log.info({ drainSeconds: ms / 1000 }, "not ready any more; draining before shutdown");
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isSocketIoRequest(req: IncomingMessage): boolean {
  return req.url?.startsWith(SOCKET_IO_PATH) ?? false;
}

function displayHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
