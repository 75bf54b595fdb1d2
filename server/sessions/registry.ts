import { randomUUID } from "node:crypto";
import { Trainer, type EngineConfig } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { SNAPSHOT_HISTORY, type SessionState } from "@/lib/protocol";
import { parseTrustedEngineConfig } from "@/lib/presets";
import type { PrismaClient } from "../generated/prisma/client";
import { getRecentSummaries, loadSessionRecord } from "../data/history";
import { insertSession, isJoinCodeLive, listUnfinishedSessionIds, type NewSession } from "../data/sessions";
import { datasetHash } from "../teaching/dataset-hash";
import { loadTeaching } from "../teaching/recover";
import type { RoomPort } from "../realtime/room";
import { generateInstructorKey, generateJoinCode, hashKey } from "./keys";
import { LiveSession, type LiveSessionInit } from "./live-session";
import { rebuildAt } from "./rebuild";
import type { Clock } from "./clock";
import type { WriteQueue } from "./write-queue";
import { log } from "../log";

/** Finished sessions kept in memory with nobody watching; beyond it the least recently loaded is unloaded. */
export const MAX_IDLE_FINISHED = 32;

/** Limits of one process. */
export interface RegistryLimits {
  /** Most sessions that are not finished. */
  maxLiveSessions: number;
}

/** What creating a session returns (the only time the instructor key is ever revealed). */
export interface CreatedSession {
  id: string;
  joinCode: string;
  instructorKey: string;
}

/**
 * The sessions this process holds in memory: creates them, finds them by join code or id, loads
 * stored ones (recovery at start, read-only replay of finished ones), and stops them at shutdown.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, LiveSession>();
  private readonly byCode = new Map<string, LiveSession>();
  private readonly loading = new Map<string, Promise<LiveSession | null>>();
  /** Called for every session put in memory (created or loaded): the teaching layer attaches to it. */
  onAdd: ((session: LiveSession) => void) | null = null;

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      queue: WriteQueue;
      roomFor: (sessionId: string) => RoomPort;
      limits: RegistryLimits;
      /** Multi-node mode: takes the ownership lease of a new session id before it is stored. */
      claim?: (sessionId: string) => Promise<boolean>;
      /** Time for every session's play loop and timers (default: the system clock). */
      clock?: Clock;
    },
  ) {}

  /** Sessions that are not finished. */
  get liveCount(): number {
    return this.byCode.size;
  }

  /** Every session in memory. */
  all(): LiveSession[] {
    return [...this.byId.values()];
  }

  /** Creates and stores a session from a validated config; `links` and `teaching` for forks, templates and presets. */
  async create(title: string, config: EngineConfig, links: NewSession["links"] = {}, teaching: LiveSessionInit["teaching"] = {}): Promise<CreatedSession> {
    if (this.liveCount >= this.deps.limits.maxLiveSessions) {
      throw new AppError(ErrorCode.LIMIT_REACHED, `this server already runs ${this.deps.limits.maxLiveSessions} live sessions; end one or try again later`);
    }
    const trainer = new Trainer(config);
    const id = randomUUID();
    const instructorKey = generateInstructorKey();
    const keyHash = hashKey(instructorKey);
    if (this.deps.claim && !(await this.deps.claim(id))) throw new AppError(ErrorCode.UNAVAILABLE, "could not take ownership of the new session; try again");
    for (let attempt = 0; ; attempt++) {
      const joinCode = generateJoinCode();
      if (this.byCode.has(joinCode) || (await isJoinCodeLive(this.deps.prisma, joinCode))) continue;
      try {
        await insertSession(this.deps.prisma, { id, title, joinCode, keyHash, config, params: trainer.theta.slice(), hyper: trainer.hyper, links: { ...links, datasetHash: datasetHash(config.dataset) } });
      } catch (err) {
        if (attempt < 5 && isUniqueViolation(err)) continue; // another process took the code meanwhile
        throw err;
      }
      this.add(new LiveSession({ id, joinCode, title, keyHash, config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null, teaching }, this.sessionDeps(id)));
      return { id, joinCode, instructorKey };
    }
  }

  /** The live session with this join code, if any. */
  byJoinCode(joinCode: string): LiveSession | undefined {
    return this.byCode.get(joinCode);
  }

  /** The session with this id, loading it from storage (read-only if finished); null if unknown. */
  async get(id: string): Promise<LiveSession | null> {
    const loaded = this.byId.get(id);
    if (loaded) return loaded;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Forgets a finished session nobody is watching (it is reloaded from storage if someone asks). */
  unloadIfIdle(session: LiveSession): void {
    if (session.state === "finished" && session.participants.size === 0 && this.byId.get(session.id) === session) this.byId.delete(session.id);
  }

  /** The session if it is in memory (never loads). */
  loaded(id: string): LiveSession | undefined {
    return this.byId.get(id);
  }

  /**
   * Rebuilds every unfinished session after a restart, paused at its last durable step; `adopt` wraps
   * each load (the owner restores what hangs off the session). One that cannot be rebuilt is logged and skipped.
   */
  async recoverAll(adopt: (id: string, load: () => Promise<LiveSession | null>) => Promise<LiveSession | null> = (_id, load) => load()): Promise<number> {
    const ids = await listUnfinishedSessionIds(this.deps.prisma);
    let recovered = 0;
    for (const id of ids) {
      try {
        if (await adopt(id, () => this.get(id))) recovered++;
      } catch (err) {
        log.error({ err, sessionId: id }, "session could not be recovered and stays offline");
      }
    }
    return recovered;
  }

  /**
   * Forgets a session this process may no longer run (multi-node mode: its lease was lost) and stops
   * its engine. Its writes are refused and its broadcasts dropped by then, so stopping is silent.
   */
  async evict(id: string): Promise<void> {
    const session = this.byId.get(id);
    if (!session) return;
    this.byId.delete(id);
    if (this.byCode.get(session.joinCode) === session) this.byCode.delete(session.joinCode);
    await session.shutdown().catch(() => undefined);
  }

  /** Pauses and checkpoints every session (server shutdown). */
  async shutdown(): Promise<void> {
    await Promise.all(this.all().map((s) => s.shutdown()));
  }

  private async load(id: string): Promise<LiveSession | null> {
    const record = await loadSessionRecord(this.deps.prisma, id);
    if (!record) return null;
    const config = parseTrustedEngineConfig(record.config);
    const { trainer, pending, previous } = rebuildAt(config, record, record.step);
    const [history, teaching] = await Promise.all([getRecentSummaries(this.deps.prisma, id, record.run, record.step, SNAPSHOT_HISTORY), loadTeaching(this.deps.prisma, id)]);
    const state: SessionState = record.state === "finished" ? "finished" : record.state === "diverged" ? "diverged" : "paused";
    const reason = record.state === "playing" ? "the server restarted; the instructor can press play" : undefined;
    const session = new LiveSession(
      { id, joinCode: record.joinCode, title: record.title, keyHash: record.keyHash, config, state, trainer, controlSeq: record.lastSeq, pending, hyperSince: record.lastSetStep, history, previous, teaching, reason },
      this.sessionDeps(id),
    );
    this.add(session);
    return session;
  }

  private add(session: LiveSession): void {
    this.byId.set(session.id, session);
    if (session.state !== "finished") this.byCode.set(session.joinCode, session);
    else this.trimFinished();
    this.onAdd?.(session);
  }

  /** Unloads the oldest finished sessions nobody watches beyond MAX_IDLE_FINISHED (a request that loaded one does not keep it). */
  private trimFinished(): void {
    const idle = [...this.byId.values()].filter((s) => s.state === "finished" && s.participants.size === 0);
    for (const s of idle.slice(0, Math.max(0, idle.length - MAX_IDLE_FINISHED))) this.byId.delete(s.id);
  }

  private sessionDeps(id: string) {
    return {
      queue: this.deps.queue,
      room: this.deps.roomFor(id),
      clock: this.deps.clock,
      onEnded: (s: LiveSession) => {
        if (this.byCode.get(s.joinCode) === s) this.byCode.delete(s.joinCode);
      },
    };
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "P2002" || /unique/i.test(e?.message ?? "");
}
