/** Creates benchmark catalog rows through the admin API of the served worker. */
import type { BenchContext } from "./run.ts";

const DAY = [
  { start: "09:00", end: "12:00" },
  { start: "13:00", end: "19:00" },
];
const WEEK = {
  monday: DAY,
  tuesday: DAY,
  wednesday: DAY,
  thursday: DAY,
  friday: DAY,
  saturday: DAY,
};

export async function adminCall(
  ctx: BenchContext,
  method: string,
  path: string,
  body: unknown,
): Promise<{ id: string }> {
  // A 503 (busy, or a store briefly unavailable) is retried as Retry-After asks, so a loaded
  // worker cannot abort the benchmark between cases.
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${ctx.url}${path}`, {
      method,
      headers: { ...ctx.adminHeaders, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.ok) return (await res.json()) as { id: string };
    const text = await res.text();
    if (res.status !== 503 || attempt >= 10)
      throw new Error(`${method} ${path}: ${res.status} ${text}`);
    const waitS = Number(res.headers.get("Retry-After") ?? 1) || 1;
    await new Promise((resolve) => setTimeout(resolve, waitS * 1000));
  }
}

/** One service performed by `staffCount` staff with 9-hour days (Monday–Saturday). */
export async function seedCatalog(
  ctx: BenchContext,
  name: string,
  staffCount: number,
  service: Record<string, unknown>,
): Promise<{ serviceId: string; staffIds: string[] }> {
  const { id: serviceId } = await adminCall(ctx, "POST", "/v1/admin/services", {
    name,
    price: { amountMinor: 100, currency: "EUR" },
    ...service,
  });
  const staffIds: string[] = [];
  for (let i = 0; i < staffCount; i++) {
    const staff = await adminCall(ctx, "POST", "/v1/admin/staff", {
      name: `${name} ${i}`,
      email: `b${i}@bench.test`,
      serviceIds: [serviceId],
    });
    await adminCall(ctx, "PUT", `/v1/admin/staff/${staff.id}/schedule`, { weekly: WEEK });
    staffIds.push(staff.id);
  }
  return { serviceId, staffIds };
}

export function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}
