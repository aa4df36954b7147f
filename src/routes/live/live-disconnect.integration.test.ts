/**
 * GET /v1/live when clients leave without a word, under the real Workers runtime (`wrangler dev`):
 * a client that drops its connection sends nothing the stream's body can see, and the runtime may
 * stop running a request whose client is gone. Its place under the per-address limit must come
 * back all the same, within 10 s. `app.request` in Node cannot show this (there, a client that
 * stops reading cancels the body at once), hence the real dev server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedFetch } from "../../../test/drivers/api.ts";
import { upcomingMonday } from "../../../test/fixtures/catalog-fixtures.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";
import { startWorker, type Worker } from "../../../test/stack/wrangler-dev.ts";
import { STREAMS_PER_ADDRESS } from "../../domain/live/live-stream.ts";

let worker: Worker;
const open: AbortController[] = [];

beforeAll(async () => {
  worker = await startWorker("live");
}, 120_000);

afterAll(async () => {
  for (const controller of open) controller.abort();
  await worker?.stop();
});

/** Opens a stream; answers its status, and (on 200) once its first bytes arrived. */
async function openStream(
  staffId: string,
  date: string,
  headers: Record<string, string>,
): Promise<{ status: number; controller: AbortController }> {
  const controller = new AbortController();
  const query = new URLSearchParams({ staffId, date });
  const res = await checkedFetch(`${worker.url}/v1/live?${query}`, {
    headers: { "X-Client-Id": uniqueId("client_"), ...headers },
    signal: controller.signal,
  });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return { status: res.status, controller };
  }
  open.push(controller);
  // The first bytes (`retry:` and the snapshot) say the stream was admitted and runs.
  await (res.body as ReadableStream<Uint8Array>).getReader().read();
  return { status: 200, controller };
}

describe("GET /v1/live under wrangler dev", () => {
  it("streams whose clients left give their places back within 10 s: 10 new streams from that address open", async () => {
    const staffId = uniqueId("stf_");
    const date = upcomingMonday();
    const address = { "CF-Connecting-IP": `198.51.100.${Math.floor(Math.random() * 250) + 1}` };
    const first = [];
    for (let i = 0; i < STREAMS_PER_ADDRESS; i++) {
      const stream = await openStream(staffId, date, address);
      expect(stream.status).toBe(200);
      first.push(stream);
    }
    // The address is full.
    const refused = await openStream(staffId, date, address);
    expect(refused.status).toBe(429);

    // Every client goes away at once, as `kill` does to curl: the connection just closes.
    for (const stream of first) stream.controller.abort();
    const leftAtMs = Date.now();

    const reopened = [];
    let refusals = 0;
    while (reopened.length < STREAMS_PER_ADDRESS && Date.now() - leftAtMs < 10_000) {
      const stream = await openStream(staffId, date, address);
      if (stream.status === 200) reopened.push(stream);
      else {
        expect(stream.status).toBe(429);
        refusals++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const tookMs = Date.now() - leftAtMs;
    console.log(`[live] 10 places back after ${tookMs} ms (${refusals} refusals meanwhile)`);
    expect(reopened.length).toBe(STREAMS_PER_ADDRESS);
    for (const stream of reopened) stream.controller.abort();
  }, 90_000);
});
