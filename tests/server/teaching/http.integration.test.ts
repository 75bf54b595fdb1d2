import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { formatNumber } from "@/lib/explain";
import type { SessionSnapshot } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { connectClient, createSession, join, request, startTestServer, waitFor, type Client, type TestServer } from "../helpers/live-server";
import { postgresReachable } from "../helpers/postgres";

const hasPostgres = await postgresReachable();

for (const kind of ["pglite", "postgres"] as const) {
  describe.skipIf(kind === "postgres" && !hasPostgres)(`teaching HTTP routes on ${kind}`, () => {
    let server: TestServer;
    const clients: Client[] = [];
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await server?.close();
    });
    const get = (path: string) => fetch(`${server.url}${path}`);
    async function instructor(s: { joinCode: string; instructorKey: string }): Promise<Client> {
      const c = await connectClient(server.url);
      clients.push(c);
      await join(c, { joinCode: s.joinCode, name: "Teacher", instructorKey: s.instructorKey });
      return c;
    }

    it("notes: Markdown and HTML contain the config, the loss curve and that step's numbers", async () => {
      const s = await createSession(server.url, { title: 'Week 3 <script>alert("x")</script> & co' });
      const t = await instructor(s);
      await request(t, "session:control", { action: "step", count: 6 });
      // The same numbers, computed independently with the engine.
      const trainer = new Trainer(parseEngineConfig({}));
      trainer.run(3);
      const trace = trainer.stepTraced();
      const md = await get(`/api/sessions/${s.id}/notes?step=4`);
      expect(md.status).toBe(200);
      expect(md.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
      const text = await md.text();
      expect(text).toContain("## Configuration");
      expect(text).toContain("| layers | 2 → 2 → 1 |");
      expect(text).toMatch(/<svg [^\n]*<polyline points="[^"]+"/);
      expect(text).toContain("## Backpropagation, step 4");
      expect(text).toContain(formatNumber(trace.loss));
      for (const k of [0, 6, 8]) expect(text).toContain(formatNumber(trace.after[k]));
      expect(text).toContain(formatNumber(trace.grad[6]));

      const html = await get(`/api/sessions/${s.id}/notes?step=4&format=html`);
      expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const page = await html.text();
      expect(page.startsWith("<!doctype html>")).toBe(true);
      expect(page).not.toContain("<script>");
      expect(page).toContain("Week 3 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co");
      expect(page).toContain("<h2>Backpropagation, step 4</h2>");
      expect(page).toContain(formatNumber(trace.after[6]));
      expect(page).toMatch(/<figure><svg /);
      expect(page).not.toMatch(/<link |src="http/); // self-contained

      // Default step = current; bad steps are named; unknown ids 404.
      expect(await (await get(`/api/sessions/${s.id}/notes`)).text()).toContain("step 6");
      for (const [q, message] of [
        ["step=7", "step: must be between 1 and the current step 6, got 7"],
        ["step=0", "step: must be ≥ 1"],
        ["step=abc", "step: must be an integer"],
        ["format=pdf", "format: must be md or html"],
        ["colour=red", "Unrecognized key"],
      ]) {
        const r = await get(`/api/sessions/${s.id}/notes?${q}`);
        expect(r.status).toBe(400);
        expect((await r.json()).error.message).toContain(message);
      }
      expect((await get(`/api/sessions/00000000-0000-4000-8000-000000000000/notes?step=1`)).status).toBe(404);
      expect((await get(`/api/sessions/nope/notes`)).status).toBe(404);
      const fresh = await createSession(server.url);
      expect((await (await get(`/api/sessions/${fresh.id}/notes`)).json()).error.message).toMatch(/no steps yet/);
    });

    it("curve: the stored loss downsampled to at most N buckets with mean, min and max", async () => {
      const s = await createSession(server.url);
      const t = await instructor(s);
      await request(t, "session:control", { action: "step", count: 40 });
      const full = await (await get(`/api/sessions/${s.id}/curve`)).json();
      expect(full).toMatchObject({ sessionId: s.id, step: 40, columns: ["step", "loss", "min", "max"] });
      expect(full.points).toHaveLength(40);
      const few = await (await get(`/api/sessions/${s.id}/curve?points=4`)).json();
      expect(few.points).toHaveLength(4);
      expect(few.points.map((p: number[]) => p[0])).toEqual([10, 20, 30, 40]);
      const first10 = full.points.slice(0, 10).map((p: number[]) => p[1]);
      expect(few.points[0][1]).toBeCloseTo(first10.reduce((a: number, b: number) => a + b, 0) / 10, 12);
      expect(few.points[0][2]).toBe(Math.min(...first10));
      expect(few.points[0][3]).toBe(Math.max(...first10));
      expect((await get(`/api/sessions/${s.id}/curve?points=1`)).status).toBe(400);
    });

    it("[D1][D2][D4] data: the instructor's points replace the dataset, everyone gets a snapshot; bad points are named", async () => {
      const s = await createSession(server.url);
      const t = await instructor(s);
      await request(t, "session:control", { action: "step", count: 3 });
      const student = await connectClient(server.url);
      clients.push(student);
      await join(student, { joinCode: s.joinCode, name: "Ada" });
      const snapshots: SessionSnapshot[] = [];
      student.on("session:snapshot", (x) => snapshots.push(x));
      const points = [
        { x: [0.1, 0.2], y: [1] },
        { x: [-0.5, 0.3], y: [0] },
        { x: [0.9, -0.9], y: [1] },
      ];
      const ok = await request(t, "session:control", { action: "data", points });
      expect(ok).toMatchObject({ ok: true, data: { step: 0 } });
      await waitFor(() => snapshots.length === 1, 5000, "snapshot");
      expect(snapshots[0].config.dataset).toMatchObject({ points });
      expect(snapshots[0].step).toBe(0);
      // Validation (D2): dimensions and target range, naming the point.
      expect(await request(t, "session:control", { action: "data", points: [{ x: [1, 2, 3], y: [1] }] })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", message: "points[0].x: expected 2 inputs (the network's input layer), got 3" } });
      expect(await request(t, "session:control", { action: "data", points: [{ x: [1, 2], y: [1] }, { x: [1, 2], y: [2] }] })).toMatchObject({ ok: false, error: { message: "points[1].y[0]: must be in [0, 1] for a sigmoid output, got 2" } });
      expect(await request(t, "session:control", { action: "data", points: [] })).toMatchObject({ ok: false, error: { message: "points: needs at least one point" } });
      // A student cannot replace the data.
      expect(await request(student, "session:control", { action: "data", points })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });

      // HTTP: CSV with the instructor key; errors name the line; 2,000 points go through.
      const put = (body: string, type: string, key: string | null = s.instructorKey) =>
        fetch(`${server.url}/api/sessions/${s.id}/data`, { method: "PUT", headers: { "content-type": type, ...(key ? { authorization: `Bearer ${key}` } : {}) }, body });
      const rows = Array.from({ length: 2000 }, (_, k) => `${((k % 40) / 20 - 1).toFixed(2)},${(Math.floor(k / 40) / 25 - 1).toFixed(2)},${k % 2}`);
      const csv = await put(`x1,x2,label\n${rows.join("\n")}\n`, "text/csv");
      expect(csv.status).toBe(200);
      expect(await csv.json()).toEqual({ step: 0, state: "paused", points: 2000 });
      const live = await request<SessionSnapshot>(t, "session:resync", {});
      expect(live.ok && "points" in live.data.config.dataset && live.data.config.dataset.points.length).toBe(2000);
      expect((await (await put("x1,x2,label\n0,0,1\n1,x,0", "text/csv")).json()).error.message).toBe('csv: line 3: column x2: "x" is not a finite number');
      // A point the data rules refuse is named by its CSV line (from 1, the header's included) and column.
      expect((await (await put("x1,x2,label\n0,0,1\n\n1,1,2", "text/csv")).json()).error.message).toBe("line 4, column label: must be in [0, 1] for a sigmoid output, got 2");
      expect((await put("x1,x2,label\n0,0,1", "text/csv", null)).status).toBe(401);
      expect((await put("x1,x2,label\n0,0,1", "text/csv", "wrong-key")).status).toBe(401);
      expect((await put(JSON.stringify({ points: [{ x: [0, 0], y: [1] }], testRatio: 2 }), "application/json")).status).toBe(400);
      expect((await put(JSON.stringify({ points: [{ x: [0, 0], y: [1] }, { x: [1, 1], y: [0] }] }), "application/json")).status).toBe(200);
    });

    it("presets: listed, and a session can start from one (its note shown to the room)", async () => {
      const list = await (await get("/api/presets")).json();
      expect(list.presets.map((p: { id: string }) => p.id)).toEqual(["plateau", "sign-slip", "big-learning-rate", "saturated-sigmoid", "dead-relu", "symmetric-init", "xor-no-hidden"]);
      const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ preset: "xor-no-hidden" }) });
      expect(res.status).toBe(201);
      const created = await res.json();
      const c = await connectClient(server.url);
      clients.push(c);
      const snap = await join(c, { joinCode: created.joinCode, name: "Ada" });
      expect(snap.config.layers).toEqual([2, 1]);
      expect(snap.teaching?.preset).toMatchObject({ id: "xor-no-hidden", title: expect.stringMatching(/XOR/) });
      // The public config never accepts the sign-slip loss directly.
      const direct = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ loss: "mse-seed-sign" }) });
      expect(direct.status).toBe(400);
      const bad = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ preset: "magic" }) });
      expect((await bad.json()).error.message).toMatch(/preset: must be one of plateau, sign-slip/);
    });

    it("templates: save, list, get, start a session from one, delete only with the key", async () => {
      const config = { layers: [2, 3, 1], learningRate: 0.2, dataset: { name: "circle", size: 40 }, params: { weights: [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, 0.8, 0.9]]], biases: [[0, 0, 0], [0]] } };
      const post = await fetch(`${server.url}/api/templates`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Lecture 5 <b>", config, presets: ["symmetric-init", "dead-relu"] }) });
      expect(post.status).toBe(201);
      const { id, templateKey } = await post.json();
      expect(templateKey).toEqual(expect.any(String));
      const list = await (await get("/api/templates")).json();
      expect(list.templates.find((t: { id: string }) => t.id === id)).toMatchObject({ name: "Lecture 5 <b>", layers: [2, 3, 1], dataset: "circle", presets: ["symmetric-init", "dead-relu"] });
      const one = await (await get(`/api/templates/${id}`)).json();
      expect(one).toMatchObject({ id, name: "Lecture 5 <b>", presets: ["symmetric-init", "dead-relu"], config: { layers: [2, 3, 1], learningRate: 0.2 } });
      expect(JSON.stringify(one)).not.toMatch(/keyHash|templateKey/);

      const start = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ templateId: id, title: "Next year" }) });
      expect(start.status).toBe(201);
      const created = await start.json();
      const c = await connectClient(server.url);
      clients.push(c);
      const snap = await join(c, { joinCode: created.joinCode, name: "Ada" });
      expect(snap.title).toBe("Next year");
      expect(snap.teaching?.templateId).toBe(id);
      expect(snap.params).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0, 0, 0, 0.7, 0.8, 0.9, 0]);

      const del = (key?: string) => fetch(`${server.url}/api/templates/${id}`, { method: "DELETE", headers: key ? { authorization: `Bearer ${key}` } : {} });
      expect((await del()).status).toBe(401);
      expect((await del("wrong")).status).toBe(401);
      expect((await del(templateKey)).status).toBe(204);
      expect((await get(`/api/templates/${id}`)).status).toBe(404);
      // Bad input is named.
      const badPost = async (body: unknown) => (await (await fetch(`${server.url}/api/templates`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()).error.message;
      expect(await badPost({ name: "", config: {} })).toMatch(/name: must not be empty/);
      expect(await badPost({ name: "x", config: { layers: [3, 1] } })).toMatch(/config.layers\[0\]: must equal the data's input dimension 2/);
      expect(await badPost({ name: "x", config: {}, presets: ["nope"] })).toMatch(/presets\[0\]: must be one of/);
      const missing = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ templateId: id }) });
      expect(missing.status).toBe(404);
    });

    it("comparable: only the caller's own runs on the same dataset; other people's sessions never (issue 13)", async () => {
      const a = await createSession(server.url, { dataset: { name: "gaussian", seed: 99 } });
      const b = await createSession(server.url, { dataset: { name: "gaussian", seed: 99 }, learningRate: 0.1 });
      const c = await createSession(server.url, { dataset: { name: "gaussian", seed: 98 } });
      for (const headers of [{}, { authorization: `Bearer ${a.instructorKey}` }] as Record<string, string>[]) {
        const listed = await (await fetch(`${server.url}/api/sessions/${a.id}/comparable`, { headers })).json();
        expect(listed.sessions.map((r: { id: string }) => r.id)).toEqual([a.id]);
      }
      const res = await (await get(`/api/sessions/${a.id}/comparable`)).json();
      const ids = res.sessions.map((r: { id: string }) => r.id);
      expect(ids).not.toContain(b.id);
      expect(ids).not.toContain(c.id);
      expect(res.sessions.find((r: { id: string }) => r.id === a.id).relation).toBe("self");
      expect(res.datasetHash).toMatch(/^[0-9a-f]{64}$/);
      expect((await get(`/api/sessions/nope/comparable`)).status).toBe(404);
    });
  });
}
