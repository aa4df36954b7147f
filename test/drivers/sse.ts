/** A reader of Server-Sent Events for tests of GET /v1/live (the app's answer, read as it arrives). */
import { expect } from "vitest";

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseReader {
  /** The next event (comments are events "comment"), or null when the stream ended; throws after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent | null>;
  /** Events until one of kind `event` (that one included); throws after `timeoutMs`. */
  until(event: string, timeoutMs?: number): Promise<SseEvent[]>;
  /** Whether an event other than a comment arrives within `ms` (consumes it). */
  quietFor(ms: number): Promise<SseEvent | null>;
  /** The client goes away. */
  close(): Promise<void>;
}

export function readSse(res: Response): SseReader {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let ended = false;
  const queue: SseEvent[] = [];

  function parse(block: string): SseEvent | null {
    const event: SseEvent = { event: "message", data: "" };
    const data: string[] = [];
    let any = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) return { event: "comment", data: line.slice(1).trim() };
      const at = line.indexOf(":");
      const [field, value] =
        at < 0 ? [line, ""] : [line.slice(0, at), line.slice(at + 1).trimStart()];
      if (field === "event") event.event = value;
      else if (field === "id") event.id = value;
      else if (field === "data") data.push(value);
      else continue; // retry: and unknown fields make no event
      any = true;
    }
    event.data = data.join("\n");
    return any ? event : null;
  }

  let reading: Promise<void> | null = null;
  async function fill(): Promise<void> {
    const chunk = await reader.read();
    if (chunk.done) {
      ended = true;
      return;
    }
    buffer += decoder.decode(chunk.value, { stream: true });
    let at = buffer.indexOf("\n\n");
    while (at >= 0) {
      const event = parse(buffer.slice(0, at));
      if (event) queue.push(event);
      buffer = buffer.slice(at + 2);
      at = buffer.indexOf("\n\n");
    }
  }

  async function next(timeoutMs = 5_000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0 && !ended) {
      reading ??= fill().finally(() => {
        reading = null;
      });
      const left = deadline - Date.now();
      const timedOut = await Promise.race([
        reading.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), Math.max(0, left))),
      ]);
      if (timedOut && queue.length === 0) throw new Error(`no event within ${timeoutMs} ms`);
    }
    return queue.shift() ?? null;
  }

  return {
    next,
    async until(event, timeoutMs = 5_000) {
      const seen: SseEvent[] = [];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await next(Math.max(1, deadline - Date.now()));
        if (!got) throw new Error(`stream ended before "${event}": ${JSON.stringify(seen)}`);
        seen.push(got);
        if (got.event === event) return seen;
      }
    },
    async quietFor(ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return null;
        try {
          const got = await next(left);
          if (got?.event !== "comment") return got;
        } catch {
          return null;
        }
      }
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

/**
 * After an outage: the admin sync brings the isolate back to Redis, and a stream opened then
 * starts with a snapshot served by Redis. (Node and workerd tiers alike: `admin` and `open` are
 * the tier's own.)
 */
export async function expectStreamingAfterFailback(
  admin: (method: string, path: string) => Promise<Response>,
  open: () => Promise<SseReader>,
): Promise<void> {
  const sync = await admin("POST", "/v1/admin/sync");
  expect(sync.status, await sync.clone().text()).toBe(200);
  const back = await open();
  const snapshot = await back.next();
  expect(snapshot?.event).toBe("snapshot");
  expect(JSON.parse(snapshot?.data ?? "{}")).toMatchObject({ storage: "redis" });
  await back.close();
}
