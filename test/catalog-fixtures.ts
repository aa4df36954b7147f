/** Creates catalog rows through the admin API, each with fresh ids, for tests. */
import { expect } from "vitest";
import type { Api } from "./api.ts";

export async function createTestService(
  api: Api,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string }> {
  const res = await api.admin("POST", "/v1/admin/services", {
    name: "Test service",
    durationMin: 60,
    bufferAfterMin: 15,
    price: { amountMinor: 5000, currency: "EUR" },
    ...overrides,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

export async function createTestStaff(
  api: Api,
  options: {
    serviceIds: string[];
    timeZone?: string | null;
    weekly?: Record<string, { start: string; end: string }[]>;
  },
): Promise<{ id: string }> {
  const res = await api.admin("POST", "/v1/admin/staff", {
    name: "Test staff",
    email: "staff@example.test",
    serviceIds: options.serviceIds,
    timeZone: options.timeZone ?? null,
  });
  expect(res.status).toBe(201);
  const staff = (await res.json()) as { id: string };
  const weekly = options.weekly ?? WEEKDAYS_9_TO_5;
  const put = await api.admin("PUT", `/v1/admin/staff/${staff.id}/schedule`, { weekly });
  expect(put.status).toBe(200);
  return staff;
}

const DAY = [
  { start: "09:00", end: "12:00" },
  { start: "13:00", end: "17:00" },
];
export const WEEKDAYS_9_TO_5 = {
  monday: DAY,
  tuesday: DAY,
  wednesday: DAY,
  thursday: DAY,
  friday: DAY,
};

/** The first Monday at least `minDaysAhead` days after today (UTC). */
export function upcomingMonday(minDaysAhead = 3): string {
  const date = new Date();
  date.setUTCHours(12, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() + minDaysAhead);
  while (date.getUTCDay() !== 1) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
