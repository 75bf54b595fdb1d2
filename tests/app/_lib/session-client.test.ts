import { beforeEach, describe, expect, it, vi } from "vitest";
import { PROTOCOL_VERSION } from "@/lib/wire";

/** A fake socket.io-client socket: `connect` fires on demand; `session:join` is answered with `answer`. */
const fake = vi.hoisted(() => ({ answer: null as unknown, listeners: new Map<string, (...args: unknown[]) => void>(), emitted: [] as string[] }));
vi.mock("socket.io-client", () => ({
  io: () => {
    const socket = {
      connected: true,
      io: { on: () => undefined, removeAllListeners: () => undefined },
      on: (event: string, fn: (...args: unknown[]) => void) => fake.listeners.set(event, fn),
      disconnect: () => undefined,
      close: () => undefined,
      removeAllListeners: () => undefined,
      timeout: () => ({
        emit: (event: string, _payload: unknown, cb: (err: Error | null, res: unknown) => void) => {
          fake.emitted.push(event);
          cb(null, fake.answer);
        },
      }),
    };
    return socket;
  },
}));

const { SessionClient } = await import("@/app/_lib/session-client");
const { SessionStore } = await import("@/app/_lib/session-store");

describe("[P6] the client checks the server's protocol version", () => {
  beforeEach(() => {
    fake.listeners.clear();
    fake.emitted.length = 0;
  });

  it("[P6] a snapshot of another protocol version stops the client and tells the person to reload", async () => {
    fake.answer = { ok: true, data: { protocol: PROTOCOL_VERSION + 1, sessionId: "x" } };
    const store = new SessionStore();
    const client = new SessionClient(store, { joinCode: "ABCDEF", name: "Ada" });
    client.start();
    fake.listeners.get("connect")!();
    await vi.waitFor(() => expect(store.getView().problem).not.toBeNull());
    expect(store.getView().problem!.message).toMatch(/Reload the page/);
    expect(store.getView().connection).toBe("offline");
    expect(fake.emitted).toEqual(["session:join"]);
  });

  it("[P6] an error answer is reported as itself, not as a version mismatch", async () => {
    const store = new SessionStore();
    fake.answer = { ok: false, error: { code: "NOT_FOUND", message: "no live session has the code ABCDEF" } };
    const client = new SessionClient(store, { joinCode: "ABCDEF", name: "Ada" });
    client.start();
    fake.listeners.get("connect")!();
    await vi.waitFor(() => expect(store.getView().problem).not.toBeNull());
    expect(store.getView().problem!.kind).toBe("not-found");
  });
});
