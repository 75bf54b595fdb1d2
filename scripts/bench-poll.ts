/**
 * Poll round on one in-process server (PGlite): N students (env N, default 100) vote, the instructor
 * reveals; prints vote-ack, reveal and notes-export times as one JSON line. Clients and server share
 * one process, so the vote figure includes the clients' own work (a resync round is printed as a baseline).
 * Run: N=200 npx tsx scripts/bench-poll.ts
 */
import { connectClient, createSession, join, request, startTestServer, type Client } from "../tests/server/helpers/live-server";
import type { PollView, PollTally } from "../lib/protocol";
const N = Number(process.env.N ?? 100);
const server = await startTestServer("pglite");
const s = await createSession(server.url);
const teacher = await connectClient(server.url);
await join(teacher, { joinCode: s.joinCode, name: "T", instructorKey: s.instructorKey });
await request(teacher, "session:control", { action: "step", count: 50 });
const students: Client[] = [];
for (let k = 0; k < N; k++) { const c = await connectClient(server.url); await join(c, { joinCode: s.joinCode, name: `S${k}` }); students.push(c); }
let tallies = 0; let lastTally: PollTally | null = null;
teacher.on("poll:tally", (t) => { tallies++; lastTally = t; });
const opened = await request<PollView>(teacher, "poll:open", { kind: "param-direction", param: "wo1" });
if (!opened.ok) throw new Error("open");
const tr = performance.now();
await Promise.all(students.map((c) => request(c, "session:resync", {})));
const resyncBaselineMs = Math.round(performance.now() - tr);
const t0 = performance.now();
await Promise.all(students.map((c, k) => request(c, "poll:vote", { pollId: opened.data.id, answer: ["up", "down", "stay"][k % 3] })));
const tVotes = performance.now() - t0;
await new Promise((r) => setTimeout(r, 400));
let got = 0; let tAll = 0;
const t1 = performance.now();
const all = new Promise<void>((resolve) => students.forEach((c) => c.once("poll:result", () => { if (++got === N) { tAll = performance.now() - t1; resolve(); } })));
const rev = await request(teacher, "poll:reveal", { pollId: opened.data.id });
const tAck = performance.now() - t1;
await all;
const stored = (await (await fetch(`${server.url}/api/sessions/${s.id}/polls`)).json()).polls[0].votes;
const t2 = performance.now();
const md = await (await fetch(`${server.url}/api/sessions/${s.id}/notes?step=50`)).text();
const tMd = performance.now() - t2;
const t3 = performance.now();
const html = await (await fetch(`${server.url}/api/sessions/${s.id}/notes?step=50&format=html`)).text();
const tHtml = performance.now() - t3;
console.log(JSON.stringify({ students: N, resyncBaselineMs, votesAllAckedMs: Math.round(tVotes), votesStored: stored, tallyEvents: tallies, lastTally, revealAckMs: Math.round(tAck), allResultsMs: Math.round(tAll), revealOk: rev.ok, notesMdMs: Math.round(tMd), notesMdBytes: md.length, notesHtmlMs: Math.round(tHtml), notesHtmlBytes: html.length }));
for (const c of [...students, teacher]) c.close();
await server.close();
