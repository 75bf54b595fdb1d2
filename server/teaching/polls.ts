import { randomUUID } from "node:crypto";
import { createLayout, describeParams } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { lossAt } from "@/lib/gradient-check";
import { formatNumber } from "@/lib/explain";
import { POLL_ANSWERS, POLL_STAY_TOLERANCE, type Control, type PollAnswer, type PollOpenRequest, type PollResult, type PollTally, type PollView } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { closePoll, insertPoll, insertVotes, loadOpenPolls, type StoredPoll } from "../data/teaching";
import type { RoomPort } from "../realtime/room";
import type { LiveSession, RevealedStep } from "../sessions/live-session";
import { recomputeStepTrace } from "../sessions/step-trace";
import { log } from "../log";

/** Tallies reach instructors at most this often per session (a class voting is hundreds of votes a second, Q5). */
export const TALLY_INTERVAL_MS = 250;

/**
 * Votes wait this long to be stored together: the embedded database runs on the server's own thread,
 * so writing each vote at once would let in one message per write. A class of 200 then votes in one
 * or two statements instead of 200.
 */
export const VOTE_BATCH_MS = 20;

/** Poll ids remembered after closing, so a late vote gets CONFLICT rather than NOT_FOUND (Q4). */
const CLOSED_REMEMBERED = 20;

interface OpenPoll {
  view: PollView;
  /** Votes by voter id (hash of the participant token, Q3). */
  votes: Map<string, { name: string; answer: PollAnswer }>;
  revealing: boolean;
}

/** Everyone's answer counts. */
function countVotes(votes: Iterable<{ answer: PollAnswer }>): Record<PollAnswer, number> {
  const counts: Record<PollAnswer, number> = { up: 0, down: 0, stay: 0 };
  for (const v of votes) counts[v.answer]++;
  return counts;
}

/**
 * Predict-then-reveal polls of every session on this server (rules Q1–Q10): opening while paused
 * between steps, one vote per student, coalesced tallies for instructors, and the reveal that runs
 * one durable step and decides the right answer from it. Polls and votes are stored as they happen.
 */
export class PollService {
  private readonly open = new Map<string, OpenPoll>();
  private readonly closed = new Map<string, string[]>();
  private readonly tallyDue = new Map<string, LiveSession>();
  /** Votes waiting to be stored: a class votes within seconds, so they are written in batches (one statement while the previous one runs). */
  private pendingVotes: { row: Parameters<typeof insertVotes>[1][number]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private storingVotes = false;
  private voteTimer: NodeJS.Timeout | null = null;
  private tallyTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { prisma: PrismaClient; roomFor: (sessionId: string) => RoomPort }) {}

  /** The open poll of a session, if any. */
  current(sessionId: string): PollView | null {
    return this.open.get(sessionId)?.view ?? null;
  }

  /** A voter's answer in the session's open poll (Q9). */
  voteOf(sessionId: string, voterId: string): PollAnswer | null {
    return this.open.get(sessionId)?.votes.get(voterId)?.answer ?? null;
  }

  /** Control guard (Q6): while a poll is open only `pause` and `end` apply; `end` cancels the poll. */
  guard(session: LiveSession, c: Control): void {
    const poll = this.open.get(session.id);
    if (!poll || c.action === "pause") return;
    if (c.action === "end") {
      this.finishCancelled(session, poll, "the session ended");
      return;
    }
    throw new AppError(ErrorCode.CONFLICT, `a poll is open: reveal or cancel it before ${c.action}`);
  }

  /** `poll:open` (Q1, Q2). */
  openPoll(session: LiveSession, req: PollOpenRequest): Promise<PollView> {
    return session.runExclusive(async () => {
      if (this.open.has(session.id)) throw new AppError(ErrorCode.CONFLICT, "a poll is already open: reveal or cancel it first");
      if (session.state === "playing" || session.busyFastForwarding) throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it before asking the room");
      if (session.state === "diverged") throw new AppError(ErrorCode.CONFLICT, "the session has diverged: the next step cannot run; lower the learning rate or reset first");
      if (session.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
      if (session.walking) throw new AppError(ErrorCode.CONFLICT, "a step is being walked through phase by phase; finish it before asking the room");
      let param: string | null = null;
      let question = "Will the loss on this step's examples go up or down?";
      if (req.kind === "param-direction") {
        const names = describeParams(createLayout(session.config.layers)).map((p) => p.name);
        if (!names.includes(req.param)) {
          throw new AppError(ErrorCode.BAD_REQUEST, `param: ${JSON.stringify(req.param)} is not a parameter of this network; for example ${names.slice(0, 6).join(", ")}`);
        }
        param = req.param;
        question = `Which way will ${param} move on the next step?`;
      }
      const view: PollView = { id: randomUUID(), kind: req.kind, param, question, answers: POLL_ANSWERS[req.kind], step: session.step + 1, openedAt: new Date().toISOString() };
      await insertPoll(this.deps.prisma, { id: view.id, sessionId: session.id, step: view.step, kind: view.kind, param, openedAt: new Date(view.openedAt) });
      this.show(session, { view, votes: new Map(), revealing: false });
      this.deps.roomFor(session.id).broadcast("poll:opened", view);
      return view;
    });
  }

  /** `poll:vote` (Q3, Q4): the caller is a student identified by `voterId`. */
  async vote(session: LiveSession, voter: { voterId: string; name: string }, pollId: string, answer: PollAnswer): Promise<{ pollId: string; answer: PollAnswer }> {
    const poll = this.requireOpen(session, pollId);
    if (!poll.view.answers.includes(answer)) throw new AppError(ErrorCode.BAD_REQUEST, `answer: must be one of ${poll.view.answers.join(", ")} for this poll`);
    if (poll.revealing) throw new AppError(ErrorCode.CONFLICT, "the poll is being revealed; votes are closed");
    if (poll.votes.has(voter.voterId)) throw new AppError(ErrorCode.CONFLICT, `you already voted (${poll.votes.get(voter.voterId)!.answer}); one vote per student`);
    // Counted in memory first (synchronously), so two tabs of one student cannot both get in.
    poll.votes.set(voter.voterId, { name: voter.name, answer });
    try {
      await this.storeVote({ pollId, voterId: voter.voterId, name: voter.name, answer });
    } catch (err) {
      poll.votes.delete(voter.voterId);
      throw err;
    }
    this.scheduleTally(session);
    return { pollId, answer };
  }

  /** `poll:reveal` (Q7, Q8): runs one step, decides, stores, tells everyone. */
  async reveal(session: LiveSession, pollId: string): Promise<PollResult> {
    const poll = this.requireOpen(session, pollId);
    if (poll.revealing) throw new AppError(ErrorCode.CONFLICT, "the poll is already being revealed");
    poll.revealing = true;
    let ran: RevealedStep;
    try {
      ran = await session.revealStep(() => {
        if (this.open.get(session.id) !== poll) throw new AppError(ErrorCode.CONFLICT, "the poll was closed meanwhile");
      });
    } catch (err) {
      poll.revealing = false;
      throw err;
    }
    const result = decidePoll(session, poll.view, ran, countVotes(poll.votes.values()), poll.votes.size);
    this.forget(session, poll);
    await closePoll(this.deps.prisma, pollId, { state: "revealed", correct: result.correct, before: result.before, after: result.after, counts: result.counts, reason: result.explanation });
    this.deps.roomFor(session.id).broadcast("poll:result", result);
    return result;
  }

  /** `poll:cancel`. */
  async cancel(session: LiveSession, pollId: string): Promise<{ pollId: string }> {
    const poll = this.requireOpen(session, pollId);
    if (poll.revealing) throw new AppError(ErrorCode.CONFLICT, "the poll is being revealed");
    await this.finishCancelled(session, poll, "cancelled by the instructor");
    return { pollId };
  }

  /**
   * When this node takes a session over (a restart, or its owner died; Q10): the session's open polls
   * come back open with their votes; a poll whose step is already stored was mid-reveal, and is decided
   * from that step; a poll of a session that has ended is cancelled.
   */
  async recoverSession(session: LiveSession): Promise<void> {
    this.open.delete(session.id);
    for (const stored of await loadOpenPolls(this.deps.prisma, session.id)) {
      try {
        await this.restore(session, stored);
      } catch (err) {
        log.error({ err, pollId: stored.id }, "poll could not be recovered");
      }
    }
  }

  private async restore(session: LiveSession, stored: StoredPoll): Promise<void> {
    if (session.state === "finished") {
      await closePoll(this.deps.prisma, stored.id, { state: "cancelled", reason: "the session was not live after a server restart" });
      return;
    }
    const view: PollView = { id: stored.id, kind: stored.kind, param: stored.param, question: stored.param ? `Which way will ${stored.param} move on the next step?` : "Will the loss on this step's examples go up or down?", answers: POLL_ANSWERS[stored.kind], step: stored.step, openedAt: stored.openedAt.toISOString() };
    const votes = new Map(stored.votes.map((v) => [v.voterId, { name: v.name, answer: v.answer }]));
    if (session.step >= stored.step) {
      const trace = await recomputeStepTrace(this.deps.prisma, session.id, stored.step, session.step);
      const ran: RevealedStep = { step: stored.step, diverged: false, before: trace.before, after: trace.after, examples: trace.examples.map((e) => ({ x: e.x, y: e.y })) };
      const result = decidePoll(session, view, ran, countVotes(votes.values()), votes.size);
      await closePoll(this.deps.prisma, stored.id, { state: "revealed", correct: result.correct, before: result.before, after: result.after, counts: result.counts, reason: `${result.explanation} (decided after a server restart)` });
      return;
    }
    this.show(session, { view, votes, revealing: false });
  }

  /** Resolves once the vote is stored (acks wait for it, so an acknowledged vote survives a crash, Q10). */
  private storeVote(row: Parameters<typeof insertVotes>[1][number]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingVotes.push({ row, resolve, reject });
      this.voteTimer ??= setTimeout(() => {
        this.voteTimer = null;
        this.flushVotes();
      }, VOTE_BATCH_MS);
    });
  }

  private flushVotes(): void {
    if (this.storingVotes || this.pendingVotes.length === 0) return;
    this.storingVotes = true;
    const batch = this.pendingVotes.splice(0, 1000);
    insertVotes(this.deps.prisma, batch.map((b) => b.row))
      .then(
        () => batch.forEach((b) => b.resolve()),
        (err) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => {
        this.storingVotes = false;
        this.flushVotes();
      });
  }

  private show(session: LiveSession, poll: OpenPoll): void {
    this.open.set(session.id, poll);
  }

  private forget(session: LiveSession, poll: OpenPoll): void {
    if (this.open.get(session.id) === poll) this.open.delete(session.id);
    const ids = this.closed.get(session.id) ?? [];
    ids.push(poll.view.id);
    this.closed.set(session.id, ids.slice(-CLOSED_REMEMBERED));
  }

  private finishCancelled(session: LiveSession, poll: OpenPoll, reason: string): Promise<void> {
    this.forget(session, poll);
    this.deps.roomFor(session.id).broadcast("poll:closed", { pollId: poll.view.id, reason });
    return closePoll(this.deps.prisma, poll.view.id, { state: "cancelled", counts: countVotes(poll.votes.values()), reason }).catch((err) => log.error({ err, pollId: poll.view.id }, "could not store a cancelled poll"));
  }

  private requireOpen(session: LiveSession, pollId: string): OpenPoll {
    const poll = this.open.get(session.id);
    if (poll?.view.id === pollId) return poll;
    if (this.closed.get(session.id)?.includes(pollId)) throw new AppError(ErrorCode.CONFLICT, "this poll is closed");
    throw new AppError(ErrorCode.NOT_FOUND, "pollId: no open poll of this session has this id");
  }

  private scheduleTally(session: LiveSession): void {
    this.tallyDue.set(session.id, session);
    this.tallyTimer ??= setTimeout(() => {
      this.tallyTimer = null;
      for (const s of this.tallyDue.values()) {
        const poll = this.open.get(s.id);
        if (!poll) continue;
        const students = s.participants.count("student");
        const tally: PollTally = { pollId: poll.view.id, counts: countVotes(poll.votes.values()), votes: poll.votes.size, students };
        this.deps.roomFor(s.id).toInstructors("poll:tally", tally);
      }
      this.tallyDue.clear();
    }, TALLY_INTERVAL_MS);
  }
}

/** Decides a poll from the step that ran (Q7). */
export function decidePoll(session: LiveSession, view: PollView, ran: RevealedStep, counts: Record<PollAnswer, number>, votes: number): PollResult {
  const base = { pollId: view.id, kind: view.kind, param: view.param, step: ran.step, counts, votes };
  const f = formatNumber;
  if (view.kind === "param-direction") {
    const index = describeParams(createLayout(session.config.layers)).find((p) => p.name === view.param)!.index;
    const before = ran.before[index];
    const after = ran.after[index];
    if (ran.diverged) return { ...base, correct: null, before, after: before, explanation: `Step ${ran.step} would have made the loss or a parameter non-finite, so it was not applied and ${view.param} did not move: no answer is right.` };
    const delta = after - before;
    const tolerance = POLL_STAY_TOLERANCE * Math.max(1, Math.abs(before));
    const correct: PollAnswer = Math.abs(delta) <= tolerance ? "stay" : delta > 0 ? "up" : "down";
    return { ...base, correct, before, after, explanation: `${view.param} went from ${f(before)} to ${f(after)} (Δ = ${f(delta)}); "stay" means |Δ| ≤ ${f(tolerance)}, so the answer is ${correct}.` };
  }
  const before = lossAt(session.config, ran.before, ran.examples);
  if (ran.diverged) return { ...base, correct: null, before, after: before, explanation: `Step ${ran.step} would have made the loss non-finite, so it was not applied: no answer is right.` };
  const after = lossAt(session.config, ran.after, ran.examples);
  const correct: PollAnswer | null = after > before ? "up" : after < before ? "down" : null;
  return { ...base, correct, before, after, explanation: `On this step's ${ran.examples.length === 1 ? "example" : `${ran.examples.length} examples`} the loss went from ${f(before)} to ${f(after)}${correct ? `: ${correct}` : ": unchanged, so no answer is right"}.` };
}
