/**
 * The Server-Sent Events answer both live streams share (`GET /v1/live` and `GET /v1/admin/live`):
 * the body, its sink, and the ways a client that left ends the stream.
 */

/** The events both streams send; `body` is written as one line of JSON. */
export type SseEvent =
  | { kind: "snapshot" | "change"; id: string; body: unknown }
  | { kind: "mode"; mode: "poll" }
  | { kind: "reconnect" }
  | { kind: "ping" };

/** Where a stream writes. `send` answers false when the client is gone. */
export interface SseSink<E extends SseEvent> {
  send(event: E): boolean;
  end(): void;
}

/** One event in the Server-Sent Events format. */
export function formatSseEvent(event: SseEvent): string {
  switch (event.kind) {
    case "ping":
      return ": ping\n\n";
    case "mode":
      return `event: mode\ndata: ${JSON.stringify({ mode: event.mode })}\n\n`;
    case "reconnect":
      return "event: reconnect\ndata: {}\n\n";
    default:
      return `event: ${event.kind}\nid: ${event.id}\ndata: ${JSON.stringify(event.body)}\n\n`;
  }
}

/**
 * Answers a stream whose events `open` writes to the sink it is given. The client leaving ends
 * the stream (`close()` on what `open` answered), which frees its place under the stream limits:
 * the runtime aborts the request's signal at the first write that fails (compatibility flag
 * enable_request_signal), sooner than it cancels the body; either is enough.
 */
export async function sseResponse<E extends SseEvent>(
  signal: AbortSignal,
  open: (sink: SseSink<E>) => Promise<{ close(): void }>,
): Promise<Response> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let gone = false;
  let stream: { close(): void } | undefined;
  const leave = () => {
    gone = true;
    stream?.close();
  };
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    cancel: leave,
  });
  signal.addEventListener("abort", leave);
  const sink: SseSink<E> = {
    send: (event) => {
      if (gone) return false;
      try {
        controller.enqueue(encoder.encode(formatSseEvent(event)));
        return true;
      } catch {
        gone = true;
        return false;
      }
    },
    end: () => {
      if (gone) return;
      gone = true;
      try {
        controller.close();
      } catch {
        // already closed by the runtime
      }
    },
  };
  // EventSource retries after 1 s when the connection drops.
  controller.enqueue(encoder.encode("retry: 1000\n\n"));
  stream = await open(sink);
  if (gone) stream.close();
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
