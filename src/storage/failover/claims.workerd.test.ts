/**
 * Holds whose claims meet, inside the Workers runtime: many holds at once, so that their
 * booking-store claims are in flight together, meet one another, and share statements
 * (src/storage/mysql/claim-queue.ts).
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

type Attempt = { staffId: string; start: string };

/** Sends every attempt at once; each must get the app's answer, and each slot one 201 at most. */
async function holdAllAtOnce(serviceId: string, attempts: Attempt[], label: string) {
  const answers = await Promise.all(
    attempts.map(async ({ staffId, start }, i) => {
      const res = await request("/v1/holds", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "CF-Connecting-IP": `10.${octet()}.${octet()}.${octet()}`,
        },
        body: JSON.stringify({
          clientId: `workerd_claims_${run}_${label.replace(/\W/g, "")}_${i}`,
          serviceId,
          staffId,
          start,
        }),
      });
      const text = await res.text();
      const json = res.headers.get("content-type")?.startsWith("application/json") === true;
      return { slot: `${staffId} ${start}`, status: res.status, json, text: text.slice(0, 200) };
    }),
  );
  const strange = answers.filter((a) => !a.json || ![201, 409, 503].includes(a.status));
  expect(strange, label).toEqual([]);
  const winners = answers.filter((a) => a.status === 201);
  expect(winners.length, label).toBeGreaterThan(0);
  const perSlot = new Map<string, number>();
  for (const w of winners) perSlot.set(w.slot, (perSlot.get(w.slot) ?? 0) + 1);
  expect(Math.max(...perSlot.values()), label).toBe(1);
}

async function startsOf(serviceId: string, staffId: string, date: string): Promise<string[]> {
  const read = await request(
    `/v1/availability?${new URLSearchParams({ serviceId, staffId, from: date, to: date })}`,
  );
  expect(read.status).toBe(200);
  const slots = ((await read.json()) as { days: { slots: { start: string }[] }[] }).days[0]?.slots;
  return (slots ?? []).map((s) => s.start);
}

async function sharedClaims(): Promise<number> {
  const res = await admin("GET", "/v1/debug/metrics");
  expect(res.status).toBe(200);
  return ((await res.json()) as { claims: { shared: number } }).claims.shared;
}

const api = { bindings, request, admin };

it("60 holds at once of six overlapping slots, three times: every answer is the app's, and each slot has at most one holder", async () => {
  const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
  const starts = await startsOf(serviceId, staffId, upcomingMonday());
  expect(starts.length).toBeGreaterThanOrEqual(18);
  for (let round = 0; round < 3; round++) {
    // Six consecutive starts of a 30-minute service: each overlaps its neighbours.
    const contested = starts.slice(round * 6, round * 6 + 6);
    const attempts = Array.from({ length: 60 }, (_, i) => ({
      staffId,
      start: contested[i % contested.length] as string,
    }));
    await holdAllAtOnce(serviceId, attempts, `round ${round}`);
  }
}, 60_000);

it("60 holds at once of four staff members' slots, three times: claims share statements, and each slot still has at most one holder", async () => {
  const { id: serviceId } = await createTestService(api, { durationMin: 30, bufferAfterMin: 0 });
  const staffIds: string[] = [];
  for (let i = 0; i < 4; i++)
    staffIds.push((await createTestStaff(api, { serviceIds: [serviceId] })).id);
  const date = upcomingMonday();
  const starts = await startsOf(serviceId, staffIds[0] as string, date);
  expect(starts.length).toBeGreaterThanOrEqual(24);
  const sharedBefore = await sharedClaims();
  for (let round = 0; round < 3; round++) {
    // Four starts 30 minutes apart (none overlaps another), each of them for every staff member,
    // and three or four attempts on each of these 16 slots.
    const own = starts.slice(round * 8, round * 8 + 8).filter((_, i) => i % 2 === 0);
    const attempts = Array.from({ length: 60 }, (_, i) => ({
      staffId: staffIds[i % 4] as string,
      start: own[Math.floor(i / 4) % own.length] as string,
    }));
    await holdAllAtOnce(serviceId, attempts, `round ${round}`);
  }
  // Otherwise this test would not have reached the shared statements it is about.
  expect(await sharedClaims()).toBeGreaterThan(sharedBefore);
}, 60_000);
