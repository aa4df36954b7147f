/** Helpers for tests of live state: a staff member with offered slots, and the live routes. */
import { expect } from "vitest";
import type { Api } from "./api.ts";
import { createTestService, createTestStaff, upcomingMonday } from "./catalog-fixtures.ts";
import { uniqueId } from "./stack-env.ts";

export type AvailabilitySlot = {
  start: string;
  end: string;
  staffId: string;
  state: string;
  mine?: boolean;
};

export interface LiveFixture {
  serviceId: string;
  staffId: string;
  date: string;
  /** Loads availability (publishing the offer) and returns the slots of `date`. */
  slots(clientId?: string): Promise<AvailabilitySlot[]>;
  /** The start of the offered slot at a local wall time "HH:MM". */
  start(hhmm: string): Promise<string>;
  post(path: string, body: unknown): Promise<Response>;
}

export async function liveFixture(
  api: Api,
  service: Record<string, unknown> = { durationMin: 30, bufferAfterMin: 0 },
): Promise<LiveFixture> {
  const { id: serviceId } = await createTestService(api, service);
  const { id: staffId } = await createTestStaff(api, { serviceIds: [serviceId] });
  const date = upcomingMonday();
  const slots = async (clientId?: string) => {
    const query = new URLSearchParams({ serviceId, staffId, from: date, to: date });
    const headers: Record<string, string> = clientId ? { "X-Client-Id": clientId } : {};
    const res = await api.request(`/v1/availability?${query}`, { headers });
    expect(res.status).toBe(200);
    return ((await res.json()) as { days: { slots: AvailabilitySlot[] }[] }).days[0]?.slots ?? [];
  };
  return {
    serviceId,
    staffId,
    date,
    slots,
    start: async (hhmm) => {
      const slot = (await slots()).find((s) => s.start.slice(11, 16) === hhmm);
      if (!slot) throw new Error(`no offered slot at ${hhmm}`);
      return slot.start;
    },
    post: (path, body) =>
      api.request(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
  };
}

export const newClientId = () => uniqueId("client_");
