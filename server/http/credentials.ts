import type { IncomingMessage } from "node:http";
import type { PrismaClient } from "../generated/prisma/client";
import { getKeyHash } from "../data/sessions";
import { verifyKey } from "../sessions/keys";

/** The key of an `authorization: Bearer <key>` header, or undefined. */
export function bearerKey(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

/**
 * Whether the request carries the instructor key of session `id`. Reads only the stored hash (the
 * session is not loaded), so a wrong key costs one indexed row read.
 */
export async function hasInstructorKey(req: IncomingMessage, prisma: PrismaClient, id: string): Promise<boolean> {
  const key = bearerKey(req);
  if (!key) return false;
  const hash = await getKeyHash(prisma, id);
  return hash !== null && verifyKey(key, hash);
}
