import type { ServerResponse } from "node:http";
import { CSV_HEADER, csvLine, type MetricRow } from "./metrics-csv";

/** Text is sent in pieces of about this size (one write per piece, not per row). */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes a long response piece by piece, waiting whenever the socket's buffer is full, so memory stays
 * flat however long the session (1 M steps make about 150 MB of JSON). Stops quietly if the client
 * goes away.
 */
class ChunkedWriter {
  private buffer = "";
  constructor(private readonly res: ServerResponse) {}

  /** Appends text; resolves false once the client has gone. */
  async add(text: string): Promise<boolean> {
    this.buffer += text;
    return this.buffer.length < CHUNK_CHARS || this.flush();
  }

  /** Sends what is buffered. */
  async flush(): Promise<boolean> {
    const res = this.res;
    if (res.destroyed) return false;
    const text = this.buffer;
    this.buffer = "";
    if (text && !res.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
    return !res.destroyed;
  }
}

/** Streams `{ session, config, controls: […], metrics: […] }`, the same document `JSON.stringify` would give. */
export async function streamJsonExport(res: ServerResponse, head: { session: unknown; config: unknown }, controls: AsyncIterable<unknown>, metrics: AsyncIterable<unknown>): Promise<void> {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  const w = new ChunkedWriter(res);
  await w.add(`{"session":${JSON.stringify(head.session)},"config":${JSON.stringify(head.config)},"controls":[`);
  if (!(await writeArray(w, controls))) return;
  await w.add(`],"metrics":[`);
  if (!(await writeArray(w, metrics))) return;
  await w.add("]}");
  if (await w.flush()) res.end();
}

/** Streams the metrics as CSV with a header row. */
export async function streamCsvExport(res: ServerResponse, filename: string, metrics: AsyncIterable<MetricRow>): Promise<void> {
  res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" });
  const w = new ChunkedWriter(res);
  await w.add(CSV_HEADER);
  for await (const row of metrics) if (!(await w.add(csvLine(row)))) return;
  if (await w.flush()) res.end();
}

async function writeArray(w: ChunkedWriter, items: AsyncIterable<unknown>): Promise<boolean> {
  let first = true;
  for await (const item of items) {
    if (!(await w.add((first ? "" : ",") + JSON.stringify(item)))) return false;
    first = false;
  }
  return true;
}
