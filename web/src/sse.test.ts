import { describe, expect, it } from "vitest";
import { type SseEvent, sseParser } from "./sse.ts";

function parse(chunks: string[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const feed = sseParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) feed(chunk);
  return { events, retries };
}

const STREAM =
  'retry: 1000\n\nevent: snapshot\nid: 2-1k8f3a\ndata: {"version":"2-1k8f3a"}\n\n: ping\n\nevent: change\nid: 3-x\ndata: {"version":"3-x"}\n\nevent: reconnect\ndata: {}\n\n';

describe("the page's event-stream reader", () => {
  it("reads GET /v1/live's events, skips the pings, and takes retry", () => {
    const { events, retries } = parse([STREAM]);
    expect(events).toEqual([
      { event: "snapshot", id: "2-1k8f3a", data: '{"version":"2-1k8f3a"}' },
      { event: "change", id: "3-x", data: '{"version":"3-x"}' },
      { event: "reconnect", id: undefined, data: "{}" },
    ]);
    expect(retries).toEqual([1000]);
  });

  it("reads the same whatever the chunks, one character at a time included", () => {
    expect(parse([...STREAM])).toEqual(parse([STREAM]));
    expect(parse([STREAM.slice(0, 40), STREAM.slice(40, 41), STREAM.slice(41)])).toEqual(
      parse([STREAM]),
    );
  });

  it("takes CRLF and CR line ends, a CRLF split over two chunks too, and joins data lines", () => {
    const crlf = "event: change\r\ndata: a\r\ndata: b\r\n\r\n";
    expect(parse([crlf]).events).toEqual([{ event: "change", id: undefined, data: "a\nb" }]);
    expect(parse(["event: change\r", "\ndata: a\r", "\n\r", "\n"]).events).toEqual([
      { event: "change", id: undefined, data: "a" },
    ]);
    // A CR alone ends a line once the next character shows it is not half of a CRLF.
    expect(parse(["data: x\r\r", ": ping"]).events).toEqual([
      { event: "message", id: undefined, data: "x" },
    ]);
  });

  it("waits for the blank line that ends an event", () => {
    expect(parse(["event: change\ndata: {}\n"]).events).toEqual([]);
  });
});
