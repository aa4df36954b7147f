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
  const res = await fetch(`${ctx.url}${path}`, {
    method,
    headers: { ...ctx.adminHeaders, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
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
