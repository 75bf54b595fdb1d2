"use client";
import { useEffect, useState } from "react";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { SessionStore } from "@/app/_lib/session-store";
import { SessionPanels } from "@/app/_components/session-panels";
import { StatusBar } from "@/app/_components/status-bar";
import { ExploreBar } from "@/app/_components/explore-bar";
import { SessionHeader } from "@/app/_components/session-header";
import { JoinQr } from "@/app/_components/join-qr";

export function Harness() {
  const [store] = useState(() => new SessionStore());
  useEffect(() => {
    const q = new URLSearchParams(location.search);
    const config = parseEngineConfig(JSON.parse(q.get("config") ?? '{"params":{"weights":[[[0.1,0.2],[0.3,0.4]],[[0.5,0.6]]],"biases":[[0.1,0.1],[0.2]]}}'));
    const t = new Trainer(config);
    const steps = Number(q.get("steps") ?? 30);
    const snap = () => ({ protocol: 1, sessionId: "s", joinCode: "ABC234", title: "Harness", role: "student" as const, config, state: "playing" as const, stepsPerSecond: 60, hyper: t.hyper, hyperSince: 0, step: 0, epoch: 0, cursor: 0, params: Array.from(t.theta), previous: null, phase: null, divergedAt: null, reason: null, history: [], participants: 23 });
    store.applySnapshot(snap());
    store.setConnection("live");
    const push = () => {
      const before = Array.from(t.theta);
      const cursor = t.cursor;
      const batch = t.nextBatchSize();
      t.stepOnce();
      const ev = t.cursor === 0 ? { tl: t.evaluate("train"), te: t.evaluate("test") } : null;
      store.applyFrame({ step: t.step, epoch: t.epoch, cursor, batch, sentAt: 0, loss: t.lastLoss, trainLoss: ev?.tl.loss ?? null, trainAccuracy: null, testLoss: ev ? ev.te.loss : null, testAccuracy: null, params: Array.from(t.theta) });
      return { before, cursor, batch };
    };
    for (let k = 0; k < steps; k++) push();
    const phase = q.get("phase");
    if (phase) {
      const cursor = t.cursor;
      store.applyPhase({ step: t.step + 1, phase: phase as "forward", params: Array.from(t.theta), cursor, batch: t.nextBatchSize() });
    }
    if (q.get("live")) {
      const id = setInterval(push, 1000 / 60);
      return () => clearInterval(id);
    }
  }, [store]);
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4">
      <SessionHeader store={store} joinCode="ABC234" />
      <StatusBar store={store} onRetry={() => {}} />
      <ExploreBar store={store} />
      <SessionPanels store={store} />
      <div className="max-w-md"><JoinQr url="http://192.168.1.20:3000/s/ABC234" joinCode="ABC234" /></div>
    </main>
  );
}
