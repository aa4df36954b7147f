/**
 * One holder per slot across locations: several isolates of one deployment (one key prefix, one
 * MySQL) race for the same slot while one of them reaches Redis through a gateway that refuses,
 * hangs, is slow or flaps. The isolates that still reach Redis hold there; the cut-off one holds
 * in the MySQL fallback. Whatever each one believes about Redis, exactly one request is told
 * "held for you" (201); every other answer is 409 SLOT_HELD or 503.
 *
 * Each isolate is one `buildServices` (its own gate, cool-down and caches), as a Worker isolate in
 * another location would be; the two healthy ones share this file's healthy gateways, the cut-off
 * one has gateways of its own whose Upstash side the test breaks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  catalogOver,
  type FaultGateways,
  type Isolate,
  isolateOver,
  slotsOver,
  startFaultGateways,
} from "../../../test/stack/fault-gateways.ts";
import { uniqueId } from "../../../test/stack/stack-env.ts";

const TIMEOUT_MS = 300;
const RACES = Number(process.env.ONE_HOLDER_RACES ?? 20);
const REQUESTS = 100;

let healthy: FaultGateways;
let cut: FaultGateways;

beforeAll(async () => {
  [healthy, cut] = await Promise.all([startFaultGateways(), startFaultGateways()]);
});

afterAll(async () => {
  await Promise.all([healthy?.close(), cut?.close()]);
});

/** Two dates of a 30-minute service, 9–17: 28 slots that do not overlap, for one staff member. */
async function catalog(admin: Isolate) {
  const c = await catalogOver(admin);
  const tuesday = new Date(Date.parse(`${c.date}T12:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { serviceId: c.serviceId, staffId: c.staffId, dates: [c.date, tuesday] };
}

async function slotsOf(
  api: Isolate,
  c: { serviceId: string; staffId: string; dates: string[] },
): Promise<string[]> {
  const slots = await slotsOver(api, c, c.dates[0] ?? "", c.dates[c.dates.length - 1]);
  // Starts on the hour and half hour: 30-minute slots that never overlap one another.
  return slots
    .filter((s) => s.state === "available" && /:(00|30):00/.test(s.start.slice(13)))
    .map((s) => s.start);
}

type Fault = "refuse" | "hang" | "slow" | "flapping";

/** Breaks the cut-off isolate's way to Redis; flapping switches refuse/none every 40 ms. */
function breakRedis(fault: Fault): () => void {
  if (fault !== "flapping") {
    cut.upstash.setFault(fault, { slowMs: TIMEOUT_MS * 4 });
    return () => cut.upstash.setFault("none");
  }
  let down = true;
  cut.upstash.setFault("refuse");
  const timer = setInterval(() => {
    down = !down;
    cut.upstash.setFault(down ? "refuse" : "none");
  }, 40);
  return () => {
    clearInterval(timer);
    cut.upstash.setFault("none");
  };
}

describe.each<Fault>(["refuse", "hang", "slow", "flapping"])(
  "one isolate's way to Redis %s, the others reach it",
  (fault) => {
    it(`${REQUESTS} parallel holds of one slot across three isolates: exactly one 201, ${RACES} races`, async () => {
      const prefix = `${uniqueId("oh")}:`;
      // The healthy isolates wait long enough that this machine's load never makes a winner's
      // answer late (a 503 for a hold Redis did grant); the cut-off one gives up fast.
      const a = isolateOver(healthy, prefix, { REDIS_TIMEOUT_MS: "5000" });
      const b = isolateOver(healthy, prefix, { REDIS_TIMEOUT_MS: "5000" });
      const c = isolateOver(cut, prefix, { REDIS_TIMEOUT_MS: String(TIMEOUT_MS) });
      const isolates = [a, b, c];
      const cat = await catalog(a);
      // Every isolate has read availability (each publishes offers in the store it uses).
      const starts = await slotsOf(a, cat);
      expect(starts.length).toBeGreaterThanOrEqual(RACES);
      const restore = breakRedis(fault);
      try {
        for (const isolate of isolates) await slotsOf(isolate, cat).catch(() => []);
        const tally: string[] = [];
        for (let race = 0; race < RACES; race++) {
          const start = starts[race] as string;
          const answers = await Promise.all(
            Array.from({ length: REQUESTS }, async (_, i) => {
              const isolate = isolates[i % isolates.length] as Isolate;
              const res = await isolate.json("POST", "/v1/holds", {
                clientId: uniqueId("client_"),
                serviceId: cat.serviceId,
                staffId: cat.staffId,
                start,
              });
              const body = (await res.json()) as { error?: { code: string } };
              return { status: res.status, code: body.error?.code ?? "", isolate: i % 3 };
            }),
          );
          const winners = answers.filter((x) => x.status === 201 || x.status === 200);
          const others = answers.filter((x) => x.status !== 201 && x.status !== 200);
          const unexpected = others.filter(
            (x) => !(x.status === 409 && x.code === "SLOT_HELD") && x.status !== 503,
          );
          tally.push(
            `race ${race} ${start}: ${winners.length} winners (isolates ${winners.map((w) => w.isolate).join(",")})`,
          );
          expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([]);
          expect(winners.length, tally.join("\n")).toBe(1);
        }
        // The cut-off isolate raced from the fallback (a refused Redis fails it over at once),
        // or the race proves little.
        if (fault === "refuse") {
          const status = await c.admin("GET", "/v1/debug/redis-status");
          expect(((await status.json()) as { mode: string }).mode).toBe("fallback");
        }
      } finally {
        restore();
      }
    }, 180_000);
  },
);
