import { beforeEach, describe, expect, it, vi } from "vitest";
import { PROTOCOL_VERSION } from "@/lib/wire";

/** A fake socket.io-client socket: `connect` fires on demand; `session:join` is answered with `answer`. */
const fake = vi.hoisted(() => ({ answer: null as unknown, listeners: new Map<string, (...args: unknown[]) => void>(), emitted: [] as string[], payloads: [] as unknown[] }));
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
        emit: (event: string, payload: unknown, cb: (err: Error | null, res: unknown) => void) => {
          fake.emitted.push(event);
          fake.payloads.push(payload);
          cb(null, typeof fake.answer === "function" ? (fake.answer as (p: unknown) => unknown)(payload) : fake.answer);
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

describe("[C13] a join answered UNAVAILABLE (outage, or a takeover after a crash)", () => {
  it("[C13] is asked again until the session is back, and the page goes live", async () => {
    vi.useFakeTimers();
    try {
      fake.listeners.clear();
      fake.emitted.length = 0;
      let answers = 0;
      fake.answer = () =>
        ++answers <= 3
          ? { ok: false, error: { code: "UNAVAILABLE", message: "this session's server restarted and another is taking it over; joining again in a moment" } }
          : { ok: true, data: { protocol: PROTOCOL_VERSION, sessionId: "x", history: [] } };
      const store = new SessionStore();
      vi.spyOn(store, "applySnapshot").mockImplementation(() => undefined);
      const client = new SessionClient(store, { joinCode: "ABCDEF", name: "Ada" });
      client.start();
      fake.listeners.get("connect")!();
      await vi.advanceTimersByTimeAsync(20); // the answer, and the store's publication of it (next frame)
      expect(fake.emitted).toEqual(["session:join"]);
      expect(store.getView().problem?.message).toMatch(/taking it over/);
      await vi.advanceTimersByTimeAsync(980); // second try after 1 s
      expect(fake.emitted).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1999); // the third waits 2 s
      expect(fake.emitted).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(fake.emitted).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(4000);
      expect(fake.emitted).toHaveLength(4);
      await vi.advanceTimersByTimeAsync(20);
      expect(store.getView().connection).toBe("live");
      await vi.advanceTimersByTimeAsync(10_000); // live: no more joins
      expect(fake.emitted).toHaveLength(4);
      client.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("[Q3] a participant token the server refuses", () => {
  it("[Q3] is forgotten, and the page joins again without it to get a new one", async () => {
    const stored = new Map<string, string>([["backprop:token:ABCDEF", "old-token-0123456789abcdef0123"]]);
    vi.stubGlobal("localStorage", { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v), removeItem: (k: string) => stored.delete(k) });
    fake.listeners.clear();
    fake.emitted.length = 0;
    fake.payloads.length = 0;
    const issued = "issued-token-abcdefghijklmnopqrstuvwxyz0123456789";
    fake.answer = (p: { participantToken?: string }) =>
      p.participantToken
        ? { ok: false, error: { code: "UNAUTHORIZED", message: "participantToken: not issued by this server; join without it to get one" } }
        : { ok: true, data: { protocol: PROTOCOL_VERSION, sessionId: "x", history: [], teaching: { participantToken: issued } } };
    const store = new SessionStore();
    const applied = vi.spyOn(store, "applySnapshot").mockImplementation(() => undefined); // the snapshot's content is not this test's subject
    const client = new SessionClient(store, { joinCode: "ABCDEF", name: "Ada" });
    client.start();
    fake.listeners.get("connect")!();
    await vi.waitFor(() => expect(fake.payloads).toHaveLength(2));
    expect((fake.payloads[0] as { participantToken?: string }).participantToken).toBe("old-token-0123456789abcdef0123");
    expect(fake.payloads[1]).not.toHaveProperty("participantToken");
    await vi.waitFor(() => expect(stored.get("backprop:token:ABCDEF")).toBe(issued));
    expect(applied).toHaveBeenCalledTimes(1);
    expect(store.getView().problem).toBeNull();
    vi.unstubAllGlobals();
  });
});

describe("[H3] a co-instructor link that was taken back", () => {
  it("[H3] joins without the key, as a student, and says why", async () => {
    fake.listeners.clear();
    fake.emitted.length = 0;
    fake.payloads.length = 0;
    fake.answer = (p: { coInstructorKey?: string }) =>
      p.coInstructorKey
        ? { ok: false, error: { code: "UNAUTHORIZED", message: "coInstructorKey: this co-instructor link was taken back or is wrong; ask the instructor for a new one" } }
        : { ok: true, data: { protocol: PROTOCOL_VERSION, sessionId: "x", history: [], teaching: {} } };
    const store = new SessionStore();
    vi.spyOn(store, "applySnapshot").mockImplementation(() => undefined);
    const client = new SessionClient(store, { joinCode: "ABCDEF", name: "Sam", coInstructorKey: "old-link-key" });
    client.start();
    fake.listeners.get("connect")!();
    await vi.waitFor(() => expect(fake.payloads).toHaveLength(2));
    expect(fake.payloads[0]).toMatchObject({ coInstructorKey: "old-link-key" });
    expect(fake.payloads[1]).not.toHaveProperty("coInstructorKey");
    await vi.waitFor(() => expect(store.getView().notice).toMatch(/taken back/));
    expect(store.getView().problem).toBeNull();
    // A reconnect does not try the refused key again.
    fake.listeners.get("connect")!();
    await vi.waitFor(() => expect(fake.payloads).toHaveLength(3));
    expect(fake.payloads[2]).not.toHaveProperty("coInstructorKey");
  });
});
