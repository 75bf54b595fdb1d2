import type { PrismaClient } from "../generated/prisma/client";
import type { OwnerRouter } from "../owner/router";
import type { Limits } from "../realtime/limits";
import type { SessionRegistry } from "../sessions/registry";
import type { Budgets } from "../security/budgets";
import type { ParticipantTokens } from "../security/participant-tokens";
import type { CurveCache } from "../teaching/curve-cache";

/** What the routes need. */
export interface RouteDeps {
  /** Creates sessions on this node (which then runs them). Reads of live state go through `router`. */
  registry: Pick<SessionRegistry, "create">;
  /** The one way into a live session, wherever it runs. */
  router: OwnerRouter;
  prisma: PrismaClient;
  limits: Limits;
  /** Base URL for join links (PUBLIC_URL), or null to use the request's Host. */
  publicUrl: string | null;
  /** Per-address budgets: every creation path (plain, preset, template, fork) draws from one. */
  budgets: Budgets;
  /** Downsampled loss curves, shared by concurrent requests (`/curve`, `/notes`). */
  curves: CurveCache;
  /** Checks participant tokens (`x-participant-token` on /comparable); absent in servers built without them. */
  tokens?: ParticipantTokens;
}

/** What the owner says of a live session, or null when no node runs it (stored values apply). */
export async function liveStatus(deps: RouteDeps, sessionId: string): Promise<{ state: string; step: number; connected: number; preset: unknown } | null> {
  const reply = await deps.router.ask({ op: "status", sessionId });
  return reply?.ok ? (reply.data as { state: string; step: number; connected: number; preset: unknown }) : null;
}
