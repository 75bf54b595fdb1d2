import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { PollAnswer, PollKind } from "@/lib/protocol";

/** Teaching links of a stored session, and the last control that started a new run. */
export interface TeachingRow {
  parentId: string | null;
  forkedAtStep: number | null;
  templateId: string | null;
  presetId: string | null;
  datasetHash: string | null;
  updatedAt: Date;
  /** The latest `preset` or `data` control, which decides the preset note after a restart. */
  lastRun: { action: string; payload: unknown } | null;
}

/** The teaching links of a session, or null if unknown. */
export async function loadTeachingRow(prisma: PrismaClient, id: string): Promise<TeachingRow | null> {
  const [s, lastRun] = await Promise.all([
    prisma.session.findUnique({ where: { id }, select: { parentId: true, forkedAtStep: true, templateId: true, presetId: true, datasetHash: true, updatedAt: true } }),
    prisma.controlEvent.findFirst({ where: { sessionId: id, action: { in: ["preset", "data"] } }, orderBy: { seq: "desc" }, select: { action: true, payload: true } }),
  ]);
  return s ? { ...s, lastRun } : null;
}

/** Stores a session's dataset hash (sessions created before the hash existed get it on first use). */
export async function setDatasetHash(prisma: PrismaClient, id: string, hash: string): Promise<void> {
  await prisma.session.update({ where: { id }, data: { datasetHash: hash } });
}

/**
 * Runs on dataset `hash` the caller owns, newest first: session `id` itself; with `owner` (the
 * caller holds its instructor key) also its parent and its forks; with `forkOwner` also the forks of
 * `id` made by that participant.
 */
export async function listOwnedRuns(prisma: PrismaClient, q: { id: string; hash: string; owner: boolean; forkOwner: string | null }, limit: number) {
  const self = await prisma.session.findUnique({ where: { id: q.id }, select: { parentId: true } });
  const or: Prisma.SessionWhereInput[] = [{ id: q.id }];
  if (q.owner) {
    or.push({ parentId: q.id });
    if (self?.parentId) or.push({ id: self.parentId });
  }
  if (q.forkOwner) or.push({ parentId: q.id, forkOwner: q.forkOwner });
  return prisma.session.findMany({
    where: { datasetHash: q.hash, OR: or },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, title: true, state: true, step: true, createdAt: true, parentId: true, forkedAtStep: true },
  });
}

/** Forks of `parentId` made by `owner` that are not finished. */
export async function countLiveForks(prisma: PrismaClient, parentId: string, owner: string): Promise<number> {
  return prisma.session.count({ where: { parentId, forkOwner: owner, state: { not: "finished" } } });
}

/** Which of `ids` are sessions that have ended, or are no sessions at all (none is a live fork any more). */
export async function listEndedSessions(prisma: PrismaClient, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const live = await prisma.session.findMany({ where: { id: { in: ids }, state: { not: "finished" } }, select: { id: true } });
  const alive = new Set(live.map((s) => s.id));
  return ids.filter((id) => !alive.has(id));
}

// ---- polls ----

/** A stored poll with its votes. */
export interface StoredPoll {
  id: string;
  sessionId: string;
  step: number;
  kind: PollKind;
  param: string | null;
  state: string;
  openedAt: Date;
  votes: { voterId: string; name: string; answer: PollAnswer }[];
}

/** Stores a newly opened poll. */
export async function insertPoll(prisma: PrismaClient, p: { id: string; sessionId: string; step: number; kind: PollKind; param: string | null; openedAt: Date }): Promise<void> {
  await prisma.poll.create({ data: { ...p, state: "open" } });
}

/** Stores votes in one statement; a voter's second row for the same poll is ignored (primary key). */
export async function insertVotes(prisma: PrismaClient, votes: { pollId: string; voterId: string; name: string; answer: PollAnswer }[]): Promise<void> {
  await prisma.pollVote.createMany({ data: votes, skipDuplicates: true });
}

/** Closes a poll: revealed with its result, or cancelled with a reason. */
export async function closePoll(
  prisma: PrismaClient,
  id: string,
  r: { state: "revealed" | "cancelled"; correct?: PollAnswer | null; before?: number; after?: number; counts?: Record<PollAnswer, number>; reason: string },
): Promise<void> {
  await prisma.poll.update({
    where: { id },
    data: { state: r.state, correct: r.correct ?? null, before: r.before ?? null, after: r.after ?? null, counts: (r.counts ?? undefined) as Prisma.InputJsonValue | undefined, reason: r.reason, closedAt: new Date() },
  });
}

/** A session's polls still open (after a restart or a takeover), with their votes. */
export async function loadOpenPolls(prisma: PrismaClient, sessionId: string): Promise<StoredPoll[]> {
  const rows = await prisma.poll.findMany({ where: { state: "open", sessionId }, include: { votes: { select: { voterId: true, name: true, answer: true } } }, orderBy: { openedAt: "asc" } });
  return rows.map((r) => ({ id: r.id, sessionId: r.sessionId, step: r.step, kind: r.kind as PollKind, param: r.param, state: r.state, openedAt: r.openedAt, votes: r.votes.map((v) => ({ ...v, answer: v.answer as PollAnswer })) }));
}

/** Every poll of a session with its result and vote count, oldest first; each voter's name and answer only `withBallots` (the instructor). */
export async function listPolls(prisma: PrismaClient, sessionId: string, options: { withBallots: boolean }) {
  const rows = await prisma.poll.findMany({ where: { sessionId }, orderBy: { openedAt: "asc" }, include: { _count: { select: { votes: true } }, votes: { select: { name: true, answer: true, votedAt: true }, orderBy: { votedAt: "asc" }, ...(options.withBallots ? {} : { take: 0 }) } } });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    param: r.param,
    step: r.step,
    state: r.state,
    correct: r.correct,
    before: r.before,
    after: r.after,
    counts: r.counts,
    votes: r._count.votes,
    ...(options.withBallots ? { ballots: r.votes.map((v) => ({ name: v.name, answer: v.answer, votedAt: v.votedAt.toISOString() })) } : {}),
    reason: r.reason,
    openedAt: r.openedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  }));
}

// ---- templates ----

/** Stores a template. */
export async function insertTemplate(prisma: PrismaClient, t: { id: string; name: string; keyHash: string; config: unknown; presets: string[] }): Promise<void> {
  await prisma.template.create({ data: { ...t, config: t.config as Prisma.InputJsonValue, presets: t.presets as Prisma.InputJsonValue } });
}

/** A template without its key hash, or null. */
export async function getTemplate(prisma: PrismaClient, id: string) {
  const t = await prisma.template.findUnique({ where: { id } });
  return t ? { id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), config: t.config, presets: t.presets as string[], keyHash: t.keyHash } : null;
}

/**
 * One page of templates, newest first, without their bodies: the database returns each one's name,
 * presets, layers and a one-word dataset description (JSON paths), never the stored config.
 */
export async function listTemplates(prisma: PrismaClient, page: number, pageSize: number) {
  const rows = await prisma.$queryRaw<{ id: string; name: string; createdAt: Date; presets: unknown; layers: unknown; dataset: string | null }[]>`
    SELECT id, name, "createdAt", presets, config->'layers' AS layers,
      COALESCE(config->'dataset'->>'name', jsonb_array_length(config->'dataset'->'points')::text || ' points') AS dataset
    FROM "Template" ORDER BY "createdAt" DESC, id LIMIT ${pageSize + 1}::int OFFSET ${page * pageSize}::int`;
  return {
    templates: rows.slice(0, pageSize).map((t) => ({ id: t.id, name: t.name, createdAt: new Date(t.createdAt).toISOString(), layers: t.layers, dataset: t.dataset, presets: t.presets as string[] })),
    more: rows.length > pageSize,
  };
}

/** Deletes a template. */
export async function deleteTemplate(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.template.delete({ where: { id } });
}
