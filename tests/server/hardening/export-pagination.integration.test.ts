/**
 * Issue 7: no unbounded response on long sessions. The export is streamed from the database a page
 * (EXPORT_PAGE_ROWS) at a time; `/steps` returns at most MAX_STEPS_PER_REQUEST rows with a `next`
 * cursor. A session with 25,003 stored steps (more than 5 export pages, 3 step pages) is read whole
 * both ways and compared row by row.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_PAGE_ROWS } from "@/server/data/history";
import { MAX_STEPS_PER_REQUEST } from "@/server/http/sessions-routes";
import { connectClient, createSession, join, request, startTestServer, type TestServer } from "../helpers/live-server";

const N = 25_003;

describe("long sessions: paged steps, streamed export", { timeout: 120_000 }, () => {
  let server: TestServer;
  let id: string;
  beforeAll(async () => {
    server = await startTestServer("pglite");
    const s = await createSession(server.url, { title: "long" });
    id = s.id;
    const teacher = await connectClient(server.url);
    await join(teacher, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
    await request(teacher, "session:control", { action: "step", count: 3 }); // a few real steps and controls
    teacher.disconnect();
    // The rest written directly: 25,000 more steps than the session computed, as a long lecture would leave.
    await server.db.prisma.$executeRawUnsafe(
      `INSERT INTO "StepMetric" ("sessionId", step, epoch, loss, "trainLoss", "trainAccuracy", "testLoss", "testAccuracy") SELECT $1, g, g / 100, 1.0 / g, NULL, NULL, NULL, NULL FROM generate_series(4, ${N}) g`,
      id,
    );
    await server.db.prisma.$executeRawUnsafe(`UPDATE "Session" SET step = ${N} WHERE id = $1`, id);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("the JSON export streams every step once, in order, in more pages than one (no Content-Length, chunked)", async () => {
    expect(N).toBeGreaterThan(5 * EXPORT_PAGE_ROWS);
    const res = await fetch(`${server.url}/api/sessions/${id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    expect(res.headers.get("content-security-policy")).toBeTruthy();
    const data = (await res.json()) as { session: { id: string; step: number }; config: unknown; controls: { seq: number; action: string }[]; metrics: { step: number; loss: number; at: string }[] };
    expect(data.session).toMatchObject({ id, step: N });
    expect(data.controls.map((c) => c.action)).toEqual(["step"]);
    expect(data.metrics.map((m) => m.step)).toEqual(Array.from({ length: N }, (_, k) => k + 1));
    expect(data.metrics[N - 1].loss).toBe(1 / N);
    expect(typeof data.metrics[0].at).toBe("string");
    expect(JSON.stringify(data)).not.toMatch(/instructorKey|keyHash/i);
  });

  it("the CSV export streams a header and one line per step", async () => {
    const res = await fetch(`${server.url}/api/sessions/${id}/export?format=csv`);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines[0]).toBe("run,step,epoch,loss,trainLoss,trainAccuracy,testLoss,testAccuracy,at");
    expect(lines).toHaveLength(N + 1);
    expect(lines[N].split(",").slice(0, 2)).toEqual(["0", String(N)]);
  });

  it("/steps pages through the whole run by following `next`", async () => {
    const seen: number[] = [];
    let from: number | null = 0;
    let pages = 0;
    while (from !== null) {
      const page = (await (await fetch(`${server.url}/api/sessions/${id}/steps?from=${from}`)).json()) as { steps: [number][]; next: number | null };
      expect(page.steps.length).toBeLessThanOrEqual(MAX_STEPS_PER_REQUEST);
      seen.push(...page.steps.map((s) => s[0]));
      from = page.next;
      pages++;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(Math.ceil(N / MAX_STEPS_PER_REQUEST));
    expect(seen).toEqual(Array.from({ length: N }, (_, k) => k + 1));
    const bounded = (await (await fetch(`${server.url}/api/sessions/${id}/steps?from=10&to=20`)).json()) as { steps: unknown[]; next: number | null };
    expect(bounded.steps).toHaveLength(11);
    expect(bounded.next).toBeNull();
  });

  it("a client that disconnects mid-export does not hurt the server", async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/sessions/${id}/export`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${server.url}/api/sessions/${id}`)).status).toBe(200);
  });
});
