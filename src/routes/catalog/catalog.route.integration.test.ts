import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";

const api = testApi();

type Row = { id: string } & Record<string, unknown>;

async function created(path: string, body: unknown): Promise<Row> {
  const res = await api.admin("POST", path, body);
  expect(res.status).toBe(201);
  return (await res.json()) as Row;
}

const service = {
  name: "Public cut",
  durationMin: 45,
  price: { amountMinor: 3900, currency: "EUR" },
};
const staff = { name: "Robin", email: "robin.private@salon.example", phone: "+44 20 7946 0018" };

/** A public GET without credentials: the catalog needs none. */
async function publicGet<T>(path: string): Promise<{ text: string; body: T }> {
  const res = await api.request(path);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, body: JSON.parse(text) as T };
}

describe("public catalog", () => {
  it("lists active services with exactly the public fields", async () => {
    const active = await created("/v1/admin/services", { ...service, bufferAfterMin: 15 });
    const hidden = await created("/v1/admin/services", { ...service, active: false });
    const { body } = await publicGet<{ services: Row[] }>("/v1/services");
    expect(body.services.map((s) => s.id)).not.toContain(hidden.id);
    expect(body.services.find((s) => s.id === active.id)).toEqual({
      id: active.id,
      name: service.name,
      description: "",
      durationMin: 45,
      bufferBeforeMin: 0,
      bufferAfterMin: 15,
      price: service.price,
      questions: [],
    });
  });

  it("shows a service's intake questions as the admin defined them", async () => {
    const questions = [
      {
        id: "allergies",
        kind: "textarea",
        label: { en: "Allergies?", de: "Allergien?" },
        required: false,
        maxLength: 300,
      },
      {
        id: "length",
        kind: "choice",
        label: { en: "Hair length" },
        required: true,
        options: [
          { value: "short", label: { en: "Short" } },
          { value: "long", label: { en: "Long", de: "Lang" } },
        ],
      },
    ];
    const svc = await created("/v1/admin/services", { ...service, questions });
    const { body } = await publicGet<{ services: Row[] }>("/v1/services");
    expect(body.services.find((s) => s.id === svc.id)?.questions).toEqual(questions);
  });

  it("lists active staff with exactly the public fields, never email or phone", async () => {
    const svc = await created("/v1/admin/services", service);
    const member = await created("/v1/admin/staff", {
      ...staff,
      bio: "Cuts.",
      timeZone: "Europe/London",
      serviceIds: [svc.id],
    });
    const { text, body } = await publicGet<{ staff: Row[] }>("/v1/staff");
    expect(body.staff.find((s) => s.id === member.id)).toEqual({
      id: member.id,
      name: staff.name,
      bio: "Cuts.",
      timeZone: "Europe/London",
      serviceIds: [svc.id],
    });
    expect(text).not.toContain(staff.email);
    expect(text).not.toContain(staff.phone);
    expect(text).not.toMatch(/"(email|phone)"/);
  });

  it("gives null for a staff member in the business's zone, and hides inactive staff", async () => {
    const member = await created("/v1/admin/staff", staff);
    const inactive = await created("/v1/admin/staff", { ...staff, active: false });
    const { body } = await publicGet<{ staff: Row[] }>("/v1/staff");
    expect(body.staff.find((s) => s.id === member.id)?.timeZone).toBeNull();
    expect(body.staff.map((s) => s.id)).not.toContain(inactive.id);
  });

  it("filters staff by service, and an unknown service gives an empty list", async () => {
    const svc = await created("/v1/admin/services", service);
    const performer = await created("/v1/admin/staff", { ...staff, serviceIds: [svc.id] });
    await created("/v1/admin/staff", staff);
    const { text, body } = await publicGet<{ staff: Row[] }>(`/v1/staff?serviceId=${svc.id}`);
    expect(body.staff.map((s) => s.id)).toEqual([performer.id]);
    expect(text).not.toContain(staff.email);
    const none = await publicGet<{ staff: Row[] }>("/v1/staff?serviceId=svc_doesnotexist0000000");
    expect(none.body).toEqual({ staff: [] });
  });

  it("refuses a malformed serviceId with 400 naming the query field", async () => {
    const res = await api.request("/v1/staff?serviceId=%27%20OR%201%3D1");
    await expectError(res, 400, "BAD_REQUEST", "query.serviceId:");
  });
});
