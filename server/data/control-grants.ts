import type { PrismaClient } from "../generated/prisma/client";

/** A grant of the training controls (H1–H6): a student by participant token, or a co-instructor link by key hash. */
export interface StoredGrant {
  id: string;
  kind: "student" | "co-instructor";
  voterId: string | null;
  keyHash: string | null;
  name: string;
  grantedAt: Date;
}

/** Revokes the session's grant in force (if any) and stores `grant` as the new one, atomically: one driver at a time. */
export async function replaceGrant(prisma: PrismaClient, sessionId: string, grant: StoredGrant): Promise<void> {
  await prisma.$transaction([
    prisma.controlGrant.updateMany({ where: { sessionId, revokedAt: null }, data: { revokedAt: grant.grantedAt } }),
    prisma.controlGrant.create({ data: { ...grant, sessionId } }),
  ]);
}

/** Revokes the session's grant in force (the instructor took the controls back). */
export async function revokeGrants(prisma: PrismaClient, sessionId: string, at: Date): Promise<void> {
  await prisma.controlGrant.updateMany({ where: { sessionId, revokedAt: null }, data: { revokedAt: at } });
}

/** The session's grant in force, or null (after a restart or a takeover, H6). */
export async function loadGrant(prisma: PrismaClient, sessionId: string): Promise<StoredGrant | null> {
  const row = await prisma.controlGrant.findFirst({ where: { sessionId, revokedAt: null }, orderBy: { grantedAt: "desc" } });
  return row ? { id: row.id, kind: row.kind === "co-instructor" ? "co-instructor" : "student", voterId: row.voterId, keyHash: row.keyHash, name: row.name, grantedAt: row.grantedAt } : null;
}
