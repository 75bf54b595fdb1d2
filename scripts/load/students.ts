/** A pool of student-worker processes: splits the students between them and merges their reports. */
import type { ChildProcess } from "node:child_process";
import { forkScript, nextMessage, stopChild } from "./processes";
import { mergeHistograms } from "./stats";
import type { ConnectedMessage, WorkerCommand, WorkerReport } from "./student-worker";

/** What all workers saw, merged (with the workers' CPU time summed). */
export interface PoolReport extends Omit<WorkerReport, "type" | "cpuMs"> {
  workerCpuMs: number;
}

/** Students spread over worker processes, so one event loop is not the bottleneck of the load. */
export class StudentPool {
  private constructor(private readonly workers: ChildProcess[]) {}

  /** Forks `count` workers. */
  static start(count: number): StudentPool {
    return new StudentPool(Array.from({ length: count }, () => forkScript("scripts/load/student-worker.ts")));
  }

  /** Worker process ids. */
  get pids(): number[] {
    return this.workers.map((w) => w.pid!);
  }

  private send(w: ChildProcess, cmd: WorkerCommand): void {
    w.send(cmd);
  }

  /** Opens `count` students split evenly across the workers; resolves when every one joined or failed. */
  async connect(spec: Omit<Extract<WorkerCommand, { type: "connect" }>, "type">): Promise<Omit<ConnectedMessage, "type">> {
    const shares = this.split(spec.count);
    const replies = await Promise.all(
      this.workers.map((w, k) => {
        // Joins take longer as the class grows (each gets a snapshot): at least 5 minutes, 150 ms a student.
        const reply = nextMessage<ConnectedMessage>(w, "connected", Math.max(300_000, spec.count * 150));
        this.send(w, { type: "connect", ...spec, count: shares[k], name: `${spec.name} w${k}`, measureBytes: spec.measureBytes && k === 0 });
        return reply;
      }),
    );
    return merge(replies);
  }

  /** Adds a range of steps whose latency and delivery count (inclusive; earlier ranges keep counting). */
  window(from: number, to: number): void {
    for (const w of this.workers) this.send(w, { type: "window", from, to });
  }

  /** Disconnects `count` students (split across workers) and reconnects as many after `awayMs`. */
  async churn(count: number, awayMs: number): Promise<Omit<ConnectedMessage, "type">> {
    const shares = this.split(count);
    const replies = await Promise.all(
      this.workers.map((w, k) => {
        const reply = nextMessage<Omit<ConnectedMessage, "type"> & { type: "churned" }>(w, "churned", 120_000);
        this.send(w, { type: "churn", count: shares[k], awayMs });
        return reply;
      }),
    );
    return merge(replies);
  }

  /** Merged report; `finalStep` (the last step released) also counts what open connections never got. */
  async report(finalStep?: number): Promise<PoolReport> {
    const reports = await Promise.all(
      this.workers.map((w) => {
        const reply = nextMessage<WorkerReport>(w, "report", 60_000);
        this.send(w, { type: "report", finalStep });
        return reply;
      }),
    );
    return {
      latency: mergeHistograms(reports.map((r) => r.latency)),
      open: sum(reports.map((r) => r.open)),
      connections: sum(reports.map((r) => r.connections)),
      inWindow: reports.flatMap((r) => r.inWindow),
      missing: sum(reports.map((r) => r.missing)),
      connectionsWithGaps: sum(reports.map((r) => r.connectionsWithGaps)),
      disorder: sum(reports.map((r) => r.disorder)),
      frameBytes: reports.flatMap((r) => r.frameBytes),
      workerCpuMs: sum(reports.map((r) => r.cpuMs)),
    };
  }

  /** Disconnects every student and stops the workers. */
  async close(): Promise<void> {
    for (const w of this.workers) if (w.connected) this.send(w, { type: "close" });
    const exited = (w: ChildProcess) => new Promise<void>((r) => (w.exitCode !== null ? r() : w.once("exit", () => r())));
    await Promise.race([Promise.all(this.workers.map(exited)), new Promise((r) => setTimeout(r, 3000))]);
    await Promise.all(this.workers.map((w) => stopChild(w)));
  }

  private split(count: number): number[] {
    const n = this.workers.length;
    return Array.from({ length: n }, (_, k) => Math.floor(count / n) + (k < count % n ? 1 : 0));
  }
}

function merge(replies: Omit<ConnectedMessage, "type">[]): Omit<ConnectedMessage, "type"> {
  return { joined: sum(replies.map((r) => r.joined)), errors: replies.flatMap((r) => r.errors), joinMs: replies.flatMap((r) => r.joinMs) };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
