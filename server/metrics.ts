import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { FlushFn } from "./sessions/write-ops";

/** Control actions counted under their own label; anything else would be refused before it counts. */
const CONTROL_ACTIONS = new Set(["play", "pause", "step", "phase", "reset", "set", "fastForward", "end", "preset", "data"]);

/** What the gauges read when Prometheus scrapes (nothing is kept up to date between scrapes). */
export interface MetricSources {
  sessionsLive?: () => number;
  socketsConnected?: () => number;
  writeQueueDepth?: () => number;
}

/**
 * The app's Prometheus metrics, in a registry of its own (tests run several servers in one process).
 * The Node defaults (event-loop lag, heap, GC, handles) plus the product's series, named in
 * docs/deploy.md "Operating it". Hot-path updates are a plain increment or one histogram observe per
 * step and session (never per socket); gauges are read at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly sources: MetricSources = {};
  private stepsBroadcast = 0;
  private readonly broadcastLatency: Histogram;
  private readonly flushSeconds: Histogram;
  private readonly dbErrors: Counter;
  private readonly controls: Counter<"action">;
  private readonly rateLimitedCount: Counter;

  constructor() {
    const registers = [this.registry];
    const sources = this.sources;
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, read: keyof MetricSources) =>
      new Gauge({ name, help, registers, collect() { this.set(sources[read]?.() ?? 0); } });
    gauge("backprop_sessions_live", "Sessions in memory on this node that have not ended.", "sessionsLive");
    gauge("backprop_sockets_connected", "Socket.IO connections open on this node.", "socketsConnected");
    gauge("backprop_write_queue_depth", "Durable writes waiting for the database on this node.", "writeQueueDepth");
    const self = this;
    new Counter({
      name: "backprop_steps_broadcast_total",
      help: "Training steps sent to a session's room (one per step and session, whatever the room's size).",
      registers,
      collect() {
        this.inc(self.stepsBroadcast);
        self.stepsBroadcast = 0;
      },
    });
    this.broadcastLatency = new Histogram({
      name: "backprop_broadcast_latency_seconds",
      help: "From a step's release (stored, due) to the end of its emit to the room: encoding and queueing to every socket.",
      registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    });
    this.flushSeconds = new Histogram({
      name: "backprop_flush_seconds",
      help: "Duration of one write-queue transaction (successful or not).",
      registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.dbErrors = new Counter({ name: "backprop_db_errors_total", help: "Write-queue transactions the database failed (outage or refusal).", registers });
    this.controls = new Counter({ name: "backprop_controls_total", help: "Instructor controls applied, by action.", labelNames: ["action"], registers });
    this.rateLimitedCount = new Counter({ name: "backprop_rate_limited_total", help: "Requests refused for a rate limit (socket events and HTTP 429).", registers });
  }

  /** Sets where the gauges read from (each source replaces the previous one). */
  watch(sources: MetricSources): void {
    Object.assign(this.sources, sources);
  }

  /** A step was emitted to a room, `seconds` after its release. */
  stepBroadcast(seconds: number): void {
    this.stepsBroadcast++;
    this.broadcastLatency.observe(seconds);
  }

  /** An instructor control was applied. */
  controlApplied(action: string): void {
    if (CONTROL_ACTIONS.has(action)) this.controls.inc({ action });
  }

  /** A request was refused for a rate limit. */
  rateLimited(): void {
    this.rateLimitedCount.inc();
  }

  /** Wraps the write queue's flush: times each transaction and counts the ones that fail. */
  timeFlush(flush: FlushFn): FlushFn {
    return async (ops) => {
      const end = this.flushSeconds.startTimer();
      try {
        return await flush(ops);
      } catch (err) {
        this.dbErrors.inc();
        throw err;
      } finally {
        end();
      }
    };
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}

const bySocketServer = new WeakMap<object, Metrics>();

/** Records which app's metrics a Socket.IO server reports to (createApp does it once). */
export function bindMetrics(io: object, metrics: Metrics): void {
  bySocketServer.set(io, metrics);
}

/** The metrics a Socket.IO server reports to, if its app has any (a bare test server has none). */
export function metricsOf(io: object): Metrics | undefined {
  return bySocketServer.get(io);
}
