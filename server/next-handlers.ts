import { EventEmitter } from "node:events";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import next from "next";

/** The repository root, where next.config.js and app/ live. */
export const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));

/** Next.js behind our own HTTP server. */
export interface NextHandlers {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Hands a WebSocket upgrade (dev HMR) to Next; false when Next is not listening for one yet. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

/** Prepares Next (compiling on demand in dev, serving `.next/` in production). */
export async function prepareNext(options: { dev: boolean; hostname: string; port: number }): Promise<NextHandlers> {
  // On its first request Next adds its own `upgrade` listener to `httpServer`; it would race ours
  // (and may end Socket.IO upgrades that match an app route). We give it this inert emitter instead
  // and forward only `/_next/` upgrades to it, so one listener routes every upgrade.
  const upgrades = new EventEmitter();
  const app = next({
    dev: options.dev,
    dir: PROJECT_DIR,
    hostname: options.hostname,
    port: options.port,
    httpServer: upgrades as unknown as HttpServer,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  return {
    handle: (req, res) => handle(req, res),
    upgrade: (req, socket, head) => upgrades.emit("upgrade", req, socket, head),
    close: () => app.close(),
  };
}
