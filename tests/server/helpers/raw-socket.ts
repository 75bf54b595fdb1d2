import WebSocket from "ws";

/**
 * A Socket.IO client spoken by hand over one raw WebSocket, so a test can stop reading (pause the TCP
 * socket: the server's frames pile up in its buffers) while it goes on sending, as a hostile or
 * stalled client would. It keeps the connection alive by sending unsolicited pongs, which reset
 * engine.io's heartbeat timeout without reading the pings.
 */
export class RawSocketIo {
  private constructor(readonly ws: WebSocket) {}

  /** Opens the WebSocket and connects the main namespace. */
  static async connect(url: string): Promise<RawSocketIo> {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
    await new Promise<void>((resolve, reject) => {
      ws.once("error", reject);
      ws.on("message", (data) => {
        const text = data.toString();
        if (text.startsWith("0")) ws.send("40");
        if (text.startsWith("40")) resolve();
        if (text.startsWith("44")) reject(new Error(`connect refused: ${text}`));
      });
    });
    ws.on("error", () => undefined);
    return new RawSocketIo(ws);
  }

  /** Emits an event with an ack id (the answer is never read once `stopReading` was called). */
  emit(event: string, payload: unknown, ackId?: number): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(`42${ackId ?? ""}${JSON.stringify([event, payload])}`);
  }

  /** Resolves with the first ack `ackId` gets (while still reading). */
  ask(event: string, payload: unknown, ackId: number): Promise<unknown> {
    return new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const text = data.toString();
        if (!text.startsWith(`43${ackId}[`)) return;
        this.ws.off("message", onMessage);
        resolve(JSON.parse(text.slice(`43${ackId}`.length))[0]);
      };
      this.ws.on("message", onMessage);
      this.emit(event, payload, ackId);
    });
  }

  /** Stops reading from the TCP socket; the server's frames queue up in its buffers. */
  stopReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  /** Tells engine.io this client is alive without reading its pings. */
  pong(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send("3");
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.terminate();
  }
}
