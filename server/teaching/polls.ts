import { randomUUID } from "node:crypto";
import { createLayout, describeParams } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { countMoves, countRound } from "@/lib/poll-rounds";
import { POLL_ANSWERS, type Control, type ControlActor, type PollAnswer, type PollOpenRequest, type PollResult, type PollRound, type PollTally, type PollView } from "@/lib/protocol";
import type { PrismaClient } from "../generated/prisma/client";
import { closePoll, insertPoll, insertVotes, loadOpenPolls, startSecondRound, type StoredPoll } from "../data/teaching";
import type { RoomPort } from "../realtime/room";
import type { LiveSession, RevealedStep } from "../sessions/live-session";
import { recomputeStepTrace } from "../sessions/step-trace";
import { log } from "../log";
import { decidePoll } from "./poll-decide";

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

type Ballots = Map<string, { name: string; answer: PollAnswer }>;

interface OpenPoll {
  view: PollView;
  /** The current round's votes by voter id (hash of the participant token, Q3). */
  votes: Ballots;
  /** Round 1's votes, once the second round is open (Q11). */
  first: Ballots | null;
  revealing: boolean;
  /** `poll:again` is being stored. */
  advancing: boolean;
}

/** The last round's counts, and with a second round both rounds and the moves between them (Q12, Q13). */
function tallyOf(poll: OpenPoll): PollRound & { rounds?: PollRound[]; moves?: PollResult["moves"] } {
  const last = countRound(poll.votes.values());
  if (!poll.first) return last;
  return { ...last, rounds: [countRound(poll.first.values()), last], moves: countMoves(poll.first, poll.votes) };
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
      const view: PollView = { id: randomUUID(), kind: req.kind, param, question, answers: POLL_ANSWERS[req.kind], step: session.step + 1, openedAt: new Date().toISOString(), round: 1 };
      await insertPoll(this.deps.prisma, { id: view.id, sessionId: session.id, step: view.step, kind: view.kind, param, openedAt: new Date(view.openedAt) });
      this.show(session, { view, votes: new Map(), first: null, revealing: false, advancing: false });
      this.deps.roomFor(session.id).broadcast("poll:opened", view);
      return view;
    });
  }

  /** `poll:vote` (Q3, Q4): the caller is a student identified by `voterId`. */
  async vote(session: LiveSession, voter: { voterId: string; name: string }, pollId: string, answer: PollAnswer): Promise<{ pollId: string; answer: PollAnswer }> {
    const poll = this.requireOpen(session, pollId);
    if (!poll.view.answers.includes(answer)) throw new AppError(ErrorCode.BAD_REQUEST, `answer: must be one of ${poll.view.answers.join(", ")} for this poll`);
    if (poll.revealing) throw new AppError(ErrorCode.CONFLICT, "the poll is being revealed; votes are closed");
    const ballots = poll.votes;
    const round = poll.view.round;
    if (ballots.has(voter.voterId)) throw new AppError(ErrorCode.CONFLICT, `you already voted (${ballots.get(voter.voterId)!.answer}) in ${round === 2 ? "the second round" : "this poll"}; one vote per student${round === 2 ? " per round" : ""}`);
    // Counted in memory first (synchronously), so two tabs of one student cannot both get in.
    ballots.set(voter.voterId, { name: voter.name, answer });
    try {
      await this.storeVote({ pollId, round, voterId: voter.voterId, name: voter.name, answer });
    } catch (err) {
      ballots.delete(voter.voterId);
      throw err;
    }
    this.scheduleTally(session);
    return { pollId, answer };
  }

  /**
   * `poll:again` (Q11): round 1's votes close and a second round opens on the same question (peer
   * instruction: discuss, then vote again), before the reveal; everyone gets `poll:opened` with `round: 2`.
   */
  async again(session: LiveSession, pollId: string): Promise<PollView> {
    const poll = this.requireOpen(session, pollId);
    if (poll.revealing) throw new AppError(ErrorCode.CONFLICT, "the poll is being revealed; votes are closed");
    if (poll.view.round !== 1 || poll.advancing) throw new AppError(ErrorCode.CONFLICT, "this poll is already in its second round; reveal it (one second round per poll)");
    poll.advancing = true;
    try {
      // Stored first: a restart then brings the poll back in round 2 (Q10); votes arriving meanwhile still count for round 1.
      if (!(await startSecondRound(this.deps.prisma, pollId))) throw new AppError(ErrorCode.CONFLICT, "this poll is closed");
    } finally {
      poll.advancing = false;
    }
    if (this.open.get(session.id) !== poll) throw new AppError(ErrorCode.CONFLICT, "the poll was closed meanwhile");
    poll.first = poll.votes;
    poll.votes = new Map();
    poll.view = { ...poll.view, round: 2 };
    this.deps.roomFor(session.id).broadcast("poll:opened", poll.view);
    this.scheduleTally(session);
    return poll.view;
  }

  /** `poll:reveal` (Q7, Q8): runs one step, decides, stores, tells everyone. */
  async reveal(session: LiveSession, pollId: string, actor: ControlActor | null = null): Promise<PollResult> {
    const poll = this.requireOpen(session, pollId);
    if (poll.revealing || poll.advancing) throw new AppError(ErrorCode.CONFLICT, poll.revealing ? "the poll is already being revealed" : "the second round is being opened; try again");
    poll.revealing = true;
    let ran: RevealedStep;
    try {
      ran = await session.revealStep(() => {
        if (this.open.get(session.id) !== poll) throw new AppError(ErrorCode.CONFLICT, "the poll was closed meanwhile");
      }, actor);
    } catch (err) {
      poll.revealing = false;
      throw err;
    }
    const result = decidePoll(session, poll.view, ran, tallyOf(poll));
    this.forget(session, poll);
    await closePoll(this.deps.prisma, pollId, { state: "revealed", correct: result.correct, before: result.before, after: result.after, counts: result.counts, reason: result.explanation });
    this.deps.roomFor(session.id).broadcast("poll:result", result);
    return result;
  }

  /** `poll:cancel`. */
  async cancel(session: LiveSession, pollId: string): Promise<{ pollId: string }> {
    const poll = this.requireOpen(session, pollId);
    if (poll.revealing || poll.advancing) throw new AppError(ErrorCode.CONFLICT, poll.revealing ? "the poll is being revealed" : "the second round is being opened; try again");
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
    const view: PollView = { id: stored.id, kind: stored.kind, param: stored.param, question: stored.param ? `Which way will ${stored.param} move on the next step?` : "Will the loss on this step's examples go up or down?", answers: POLL_ANSWERS[stored.kind], step: stored.step, openedAt: stored.openedAt.toISOString(), round: stored.round };
    const ballotsOf = (round: number): Ballots => new Map(stored.votes.filter((v) => v.round === round).map((v) => [v.voterId, { name: v.name, answer: v.answer }]));
    const poll: OpenPoll = { view, votes: ballotsOf(stored.round), first: stored.round === 2 ? ballotsOf(1) : null, revealing: false, advancing: false };
    if (session.step >= stored.step) {
      const trace = await recomputeStepTrace(this.deps.prisma, session.id, stored.step, session.step);
      const ran: RevealedStep = { step: stored.step, diverged: false, before: trace.before, after: trace.after, examples: trace.examples.map((e) => ({ x: e.x, y: e.y })) };
      const result = decidePoll(session, view, ran, tallyOf(poll));
      await closePoll(this.deps.prisma, stored.id, { state: "revealed", correct: result.correct, before: result.before, after: result.after, counts: result.counts, reason: `${result.explanation} (decided after a server restart)` });
      return;
    }
    this.show(session, poll);
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
    return closePoll(this.deps.prisma, poll.view.id, { state: "cancelled", counts: countRound(poll.votes.values()).counts, reason }).catch((err) => log.error({ err, pollId: poll.view.id }, "could not store a cancelled poll"));
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
        const { counts, votes } = countRound(poll.votes.values());
        const second = poll.first ? { first: countRound(poll.first.values()), moves: countMoves(poll.first, poll.votes) } : {};
        const tally: PollTally = { pollId: poll.view.id, counts, votes, students, round: poll.view.round, ...second };
        this.deps.roomFor(s.id).toInstructors("poll:tally", tally);
      }
      this.tallyDue.clear();
    }, TALLY_INTERVAL_MS);
  }
}
