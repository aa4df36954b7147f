/**
 * Holds whose claims meet, inside the Workers runtime: many holds at once of a few overlapping
 * slots, so that their booking-store claims are in flight together and meet one another.
 *
 * In workerd a request that goes on after a promise another request settles runs in that
 * request's context (docs/adr/0603-nobody-waits-on-another-requests-promise.md). Claims that
 * waited on each other that way built their hold's answer in the wrong request, and workerd
 * answered it with a 500 of its own, for holds Redis had granted too
 * (docs/adr/0215-the-claims-cost.md). Every answer here must be the app's: 201, 409 or 503 with
 * a JSON body, and each slot at most one 201.
 */
import { expect, it } from "vitest";
import { admin, bindings, request } from "../../../test/drivers/workerd-api.ts";
import {
  createTestService,
  createTestStaff,
  upcomingMonday,
} from "../../../test/fixtures/catalog-fixtures.ts";

// Fresh clients and addresses each run: the workerd tier's key prefix outlives a run, and so do
// its holds, which the hold limits count.
const run = crypto.randomUUID().slice(0, 8);
const octet = () => Math.floor(Math.random() * 254) + 1;

it("60 holds at once of six overlapping slots, three times: every answer is the app's, and each slot has at most one holder", async () => {
  const api = { bindings, request, admin };
  const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
  const date = upcomingMonday();
  const read = await request(
    `/v1/availability?${new URLSearchParams({ serviceId, staffId, from: date, to: date })}`,
  );
  expect(read.status).toBe(200);
  const slots = ((await read.json()) as { days: { slots: { start: string }[] }[] }).days[0]?.slots;
  const starts = (slots ?? []).map((s) => s.start);
  expect(starts.length).toBeGreaterThanOrEqual(18);

  for (let round = 0; round < 3; round++) {
    // Six consecutive starts of a 30-minute service: each overlaps its neighbours.
    const contested = starts.slice(round * 6, round * 6 + 6);
    const answers = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const start = contested[i % contested.length] as string;
        const res = await request("/v1/holds", {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "CF-Connecting-IP": `10.${octet()}.${octet()}.${octet()}`,
          },
          body: JSON.stringify({
            clientId: `workerd_claims_${run}_${round}_${i}`,
            serviceId,
            staffId,
            start,
          }),
        });
        const text = await res.text();
        const json = res.headers.get("content-type")?.startsWith("application/json") === true;
        return { start, status: res.status, json, text: text.slice(0, 200) };
      }),
    );
    const strange = answers.filter((a) => !a.json || ![201, 409, 503].includes(a.status));
    expect(strange, `round ${round}`).toEqual([]);
    const winners = answers.filter((a) => a.status === 201);
    expect(winners.length, `round ${round}`).toBeGreaterThan(0);
    const perSlot = new Map<string, number>();
    for (const w of winners) perSlot.set(w.start, (perSlot.get(w.start) ?? 0) + 1);
    expect(Math.max(...perSlot.values()), `round ${round}`).toBe(1);
  }
}, 60_000);
