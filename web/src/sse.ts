/**
 * A reader of Server-Sent Events for a streamed `fetch` body: the page reads `GET /v1/live` with
 * fetch (so that the client id goes in a header), which leaves the framing to it. Follows the
 * HTML standard's event-stream rules for what the server sends: `event`, `id`, `data` (several
 * lines joined), `retry`, comments, and CRLF, CR or LF line ends.
 */

/** One event (comments make none). */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * A parser: feed it the body's text as it arrives, in chunks of any size; it calls `onEvent` for
 * each complete event and `onRetry` for each `retry:` field.
 */
export function sseParser(handlers: {
  onEvent: (event: SseEvent) => void;
  onRetry: (ms: number) => void;
}): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    // A CR at the end may be the first half of a CRLF: it waits for the next chunk.
    const held = buffer.endsWith("\r") ? "\r" : "";
    let text = (held ? buffer.slice(0, -1) : buffer).replace(/\r\n?/g, "\n");
    let at = text.indexOf("\n\n");
    while (at >= 0) {
      dispatch(text.slice(0, at), handlers);
      text = text.slice(at + 2);
      at = text.indexOf("\n\n");
    }
    buffer = text + held;
  };
}

function dispatch(
  block: string,
  handlers: { onEvent: (event: SseEvent) => void; onRetry: (ms: number) => void },
): void {
  const event: SseEvent = { event: "message", id: undefined, data: "" };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event.event = value;
    else if (field === "id") event.id = value;
    else if (field === "data") data.push(value);
    else if (field === "retry" && /^\d+$/.test(value)) handlers.onRetry(Number(value));
  }
  event.data = data.join("\n");
  if (data.length > 0) handlers.onEvent(event);
}
