import { io, type Socket } from "socket.io-client";
import type { Ack, ClientToServerEvents, CoInstructorLink, ControlsInfo, ForkCreated, PollAnswer, PollResult, PollView, ServerToClientEvents, SessionSnapshot, SessionState } from "@/lib/protocol";
import { PROTOCOL_VERSION, type ProjectorFocus } from "@/lib/wire";
import { decodeFrame } from "./wire";
import { fetchCurveBuckets } from "./api";

/** Buckets of the stored curve drawn before the live tail. */
const CURVE_BUCKETS = 500;
import type { StepTrace } from "@/lib/engine";
import { forgetParticipantToken, loadParticipantToken, saveParticipantToken } from "./participant-token";
import { problemFromError, protocolMismatch, UNREACHABLE } from "./session-problem";
import type { SessionStore } from "./session-store";

/** How long an acknowledgement may take before it counts as failed. */
export const ACK_TIMEOUT_MS = 8000;
/** Failed connection attempts before the page says the server is unreachable. */
const ATTEMPTS_BEFORE_UNREACHABLE = 3;
/** Reconnection attempts before giving up and showing "offline" with a retry button. */
const MAX_RECONNECT_ATTEMPTS = 40;
/** Longest wait between joins answered UNAVAILABLE (an outage, or a session another server is taking over). */
const MAX_JOIN_RETRY_MS = 5000;

/** Who joins: a display name, the code, and the instructor key for the console. */
export interface JoinIdentity {
  joinCode: string;
  name: string;
  instructorKey?: string;
  /** A co-instructor link's key (from `#drive=` in the page's address, H1). */
  coInstructorKey?: string;
  /** The room's projector: follows the session but is not a participant (PV4). */
  projector?: true;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One socket to one session: joins (and re-joins after a reconnect), feeds every
 * event into the store, and resyncs with a snapshot when a step number is skipped.
 */
export class SessionClient {
  private socket: ClientSocket | null = null;
  private failedAttempts = 0;
  private resyncing = false;
  private stopped = false;
  /** The server refused this page's co-instructor key (taken back, H3): join without it from now on. */
  private linkRefused = false;
  /** Joins answered UNAVAILABLE in a row, and the timer of the next attempt. */
  private joinRetries = 0;
  private joinTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: SessionStore,
    private readonly identity: JoinIdentity,
  ) {}

  /** Opens the socket (auto-reconnecting) and joins. */
  start(): void {
    this.stopped = false;
    const socket: ClientSocket = io({ path: "/socket.io", reconnectionAttempts: MAX_RECONNECT_ATTEMPTS, reconnectionDelayMax: 4000 });
    this.socket = socket;
    this.store.setConnection("connecting");
    socket.on("connect", () => this.join());
    socket.on("disconnect", (reason) => {
      if (this.stopped) return;
      // The server closing us (kicked, session ended) does not auto-reconnect.
      this.store.setConnection(reason === "io server disconnect" ? "offline" : "reconnecting");
    });
    socket.on("connect_error", () => {
      if (++this.failedAttempts >= ATTEMPTS_BEFORE_UNREACHABLE && this.store.getView().problem === null) this.store.setProblem(UNREACHABLE);
      this.store.setConnection("reconnecting");
    });
    socket.io.on("reconnect_failed", () => this.store.setConnection("offline"));
    socket.on("session:snapshot", (s) => this.applySnapshot(s));
    socket.on("session:step", (frame) => {
      if (this.resyncing) return;
      if (this.store.applyFrame(decodeFrame(frame)) === "gap") void this.resync();
    });
    socket.on("session:state", (e) => this.store.applyState(e));
    socket.on("session:phase", (e) => this.store.applyPhase(e));
    socket.on("session:presence", (e) => this.store.setParticipants(e.count));
    socket.on("session:roster", (r) => this.store.setRoster(r));
    socket.on("session:error", (e) => this.store.setNotice(e.message));
    socket.on("poll:opened", (p) => this.store.applyPollOpened(p));
    socket.on("poll:tally", (t) => this.store.applyPollTally(t));
    socket.on("poll:result", (r) => this.store.applyPollResult(r));
    socket.on("session:focus", (e) => this.store.applyFocus(e.view));
    socket.on("session:controls", (c) => this.store.applyControls(c));
    socket.on("poll:closed", (c) => {
      this.store.applyPollClosed(c);
      this.store.setNotice(`Poll closed: ${c.reason}`);
    });
  }

  /** Closes the socket for good. */
  stop(): void {
    this.stopped = true;
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.joinTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.io.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  /** The "retry" button: reconnects now. */
  retry(): void {
    if (!this.socket) return this.start();
    this.failedAttempts = 0;
    this.store.setConnection("connecting");
    this.socket.connect();
  }

  /** Sends an instructor control; resolves to the ack (failed acks also go to the store's notice). */
  async control(payload: Record<string, unknown>): Promise<Ack<{ step: number; state: SessionState }>> {
    const res = await this.emit<{ step: number; state: SessionState }>("session:control", payload);
    if (!res.ok) this.store.setNotice(res.error.message);
    return res;
  }

  /** Asks the server for one step's full trace. */
  trace(step: number): Promise<Ack<StepTrace>> {
    return this.emit("session:trace", { step });
  }

  /** Forks the session into a private sandbox this browser controls (F1). */
  fork(title?: string): Promise<Ack<ForkCreated>> {
    return this.emit("session:fork", title ? { title } : {});
  }

  /** Instructor: opens a predict-then-reveal poll (Q1–Q2). */
  async openPoll(question: { kind: "param-direction"; param: string } | { kind: "loss-direction" }): Promise<Ack<PollView>> {
    const res = await this.emit<PollView>("poll:open", question);
    if (res.ok) this.store.applyPollOpened(res.data);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Student: votes once (Q3); the accepted answer is locked in the store. */
  async vote(pollId: string, answer: PollAnswer): Promise<Ack<{ pollId: string; answer: PollAnswer }>> {
    const res = await this.emit<{ pollId: string; answer: PollAnswer }>("poll:vote", { pollId, answer });
    if (res.ok) this.store.setMyVote(res.data.pollId, res.data.answer);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Instructor: runs the step and reveals the answer (Q7). */
  async revealPoll(pollId: string): Promise<Ack<PollResult>> {
    const res = await this.emit<PollResult>("poll:reveal", { pollId });
    if (res.ok) this.store.applyPollResult(res.data);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Applies a snapshot; when its history starts after step 1, fetches the stored run before it (min/max buckets). */
  private applySnapshot(s: SessionSnapshot): void {
    this.store.applySnapshot(s);
    if (s.history.length === 0 || s.history[0][0] <= 1) return;
    void fetchCurveBuckets(s.sessionId, CURVE_BUCKETS)
      .then((buckets) => this.store.backfillCurve(buckets))
      .catch(() => undefined); // the live tail alone is still right
  }

  /** Instructor: chooses what the projector shows (PV1). */
  async setFocus(view: ProjectorFocus): Promise<Ack<{ view: ProjectorFocus }>> {
    const res = await this.emit<{ view: ProjectorFocus }>("session:focus", { view });
    if (res.ok) this.store.applyFocus(res.data.view);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Instructor: closes round 1 and asks the room to discuss and vote again (Q11). */
  async pollAgain(pollId: string): Promise<Ack<PollView>> {
    const res = await this.emit<PollView>("poll:again", { pollId });
    if (res.ok) this.store.applyPollOpened(res.data);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Instructor: hands the training controls to a participant, or takes them back (`participantId` null) (H1, H3). */
  async handControls(participantId: string | null): Promise<Ack<ControlsInfo>> {
    const res = participantId ? await this.emit<ControlsInfo>("control:hand", { participantId }) : await this.emit<ControlsInfo>("control:take", {});
    if (res.ok) this.store.applyControls(res.data);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Instructor: a co-instructor link that drives from now on; the key is shown once (H1). */
  async createCoInstructorLink(name: string): Promise<Ack<CoInstructorLink>> {
    const res = await this.emit<CoInstructorLink>("control:link", { name });
    if (res.ok) this.store.applyControls(res.data.controls);
    else this.store.setNotice(res.error.message);
    return res;
  }

  /** Instructor: cancels the poll; no step runs. */
  async cancelPoll(pollId: string): Promise<Ack<{ pollId: string }>> {
    const res = await this.emit<{ pollId: string }>("poll:cancel", { pollId });
    if (!res.ok) this.store.setNotice(res.error.message);
    return res;
  }

  /** Replaces local state with a fresh snapshot (after a gap in step numbers). */
  async resync(): Promise<void> {
    if (this.resyncing) return;
    this.resyncing = true;
    try {
      const res = await this.emit<SessionSnapshot>("session:resync", {});
      if (res.ok) this.applySnapshot(res.data);
    } finally {
      this.resyncing = false;
    }
  }

  private async join(): Promise<void> {
    this.failedAttempts = 0;
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.joinTimer = null;
    const { coInstructorKey, ...who } = this.identity;
    const send = () => {
      const participantToken = loadParticipantToken(who.joinCode);
      const link = coInstructorKey && !this.linkRefused ? { coInstructorKey } : {};
      return this.emit<SessionSnapshot>("session:join", { ...who, ...link, ...(participantToken ? { participantToken } : {}) });
    };
    let res = await send();
    if (!res.ok && res.error.code === "UNAUTHORIZED" && res.error.message.startsWith("participantToken")) {
      // A token this server no longer accepts (an older page's, or a changed secret): join afresh for a new one.
      forgetParticipantToken(who.joinCode);
      res = await send();
    }
    if (!res.ok && res.error.code === "UNAUTHORIZED" && res.error.message.startsWith("coInstructorKey")) {
      // H3: a co-instructor link that was taken back: follow the session as a student, and say so.
      this.linkRefused = true;
      this.store.setNotice("This co-instructor link was taken back: you follow the session as a student.");
      res = await send();
    }
    if (res.ok && res.data.protocol !== PROTOCOL_VERSION) {
      // P6: a page older or newer than the server must not guess at the wire format.
      this.store.setProblem(protocolMismatch(res.data.protocol));
      this.stop();
      this.store.setConnection("offline");
      return;
    }
    if (res.ok) {
      this.joinRetries = 0;
      const token = res.data.teaching?.participantToken;
      if (token) saveParticipantToken(this.identity.joinCode, token);
      this.applySnapshot(res.data);
      this.store.setConnection("live");
      return;
    }
    const problem = problemFromError(res.error.code, res.error.message, this.identity.joinCode);
    this.store.setProblem(problem);
    if (res.error.code === "UNAVAILABLE" && !this.stopped && this.socket?.connected) {
      // The database is down, or the session is being taken over by another server after a crash: the
      // server says so rather than "no such session"; ask again, 1 s, 2 s, 4 s … apart.
      const delay = Math.min(MAX_JOIN_RETRY_MS, 1000 * 2 ** this.joinRetries++);
      this.joinTimer = setTimeout(() => void this.join(), delay);
    }
    if (problem.kind === "not-found" || problem.kind === "unauthorized" || problem.kind === "ended") {
      this.stop();
      this.store.setConnection("offline");
    }
  }

  private emit<T>(event: keyof ClientToServerEvents, payload: unknown): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket || !socket.connected) return Promise.resolve({ ok: false, error: { code: "UNAVAILABLE", message: "not connected to the server" } });
    return new Promise((resolve) => {
      // socket.io's timeout() turns a missing ack into an error instead of waiting forever.
      (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emit(e: string, p: unknown, cb: (err: Error | null, res: Ack<T>) => void): void }).emit(event, payload, (err, res) => {
        resolve(err ? { ok: false, error: { code: "UNAVAILABLE", message: "the server did not answer in time" } } : res);
      });
    });
  }
}
