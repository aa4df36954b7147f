import { describe, expect, it } from "vitest";
import { expectError, testApi } from "../../../../test/drivers/api.ts";

const api = testApi();
const valid = {
  name: "Beard trim",
  durationMin: 30,
  price: { amountMinor: 1500, currency: "EUR" },
};

async function createService(body: Record<string, unknown> = valid) {
  const res = await api.admin("POST", "/v1/admin/services", body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string } & Record<string, unknown>;
}

describe("admin services", () => {
  it("creates a service with defaults and reads it back", async () => {
    const created = await createService();
    expect(created).toMatchObject({
      ...valid,
      description: "",
      bufferBeforeMin: 0,
      bufferAfterMin: 0,
      active: true,
      reminders: null,
      questions: [],
    });
    expect(created.id).toMatch(/^svc_[0-9a-z]{20}$/);
    const res = await api.admin("GET", `/v1/admin/services/${created.id}`);
    expect(await res.json()).toEqual(created);
  });

  it("lists active services, and inactive ones only when asked", async () => {
    const active = await createService();
    const inactive = await createService({ ...valid, active: false });
    const ids = async (query: string) =>
      (
        (await (await api.admin("GET", `/v1/admin/services${query}`)).json()) as {
          services: { id: string }[];
        }
      ).services.map((s) => s.id);
    expect(await ids("")).toContain(active.id);
    expect(await ids("")).not.toContain(inactive.id);
    expect(await ids("?includeInactive=true")).toEqual(
      expect.arrayContaining([active.id, inactive.id]),
    );
  });

  it("patches only the given fields", async () => {
    const created = await createService();
    const res = await api.admin("PATCH", `/v1/admin/services/${created.id}`, {
      bufferAfterMin: 15,
      active: false,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: valid.name,
      durationMin: 30,
      bufferAfterMin: 15,
      active: false,
    });
  });

  it("keeps a service's own reminders, [] (none) and null (the business's)", async () => {
    const created = await createService({ ...valid, reminders: [2880, 60] });
    expect(created).toMatchObject({ reminders: [2880, 60] });
    const patch = (reminders: unknown) =>
      api.admin("PATCH", `/v1/admin/services/${created.id}`, { reminders });
    expect(await (await patch([])).json()).toMatchObject({ reminders: [] });
    expect(await (await patch(null)).json()).toMatchObject({ reminders: null });
    const res = await api.admin("GET", `/v1/admin/services/${created.id}`);
    expect(await res.json()).toMatchObject({ reminders: null });
  });

  it("deletes a service without appointments, then 404s on it", async () => {
    const created = await createService();
    expect((await api.admin("DELETE", `/v1/admin/services/${created.id}`)).status).toBe(204);
    await expectError(
      await api.admin("GET", `/v1/admin/services/${created.id}`),
      404,
      "NOT_FOUND",
      "id: no such service",
    );
    await expectError(
      await api.admin("DELETE", `/v1/admin/services/${created.id}`),
      404,
      "NOT_FOUND",
      "id:",
    );
  });

  it.each([
    ["a missing name", { ...valid, name: undefined }, "body.name:"],
    ["an empty name", { ...valid, name: "  " }, "body.name:"],
    ["a string duration", { ...valid, durationMin: "30" }, "body.durationMin:"],
    ["a negative buffer", { ...valid, bufferBeforeMin: -15 }, "body.bufferBeforeMin:"],
    [
      "a fractional price",
      { ...valid, price: { amountMinor: 1.5, currency: "EUR" } },
      "body.price.amountMinor:",
    ],
    [
      "a lower-case currency",
      { ...valid, price: { amountMinor: 100, currency: "eur" } },
      "body.price.currency:",
    ],
    ["an unknown field", { ...valid, colour: "red" }, "body:"],
    ["a fractional reminder", { ...valid, reminders: [60.5] }, "body.reminders[0]:"],
    ["a reminder over 30 days", { ...valid, reminders: [43_201] }, "body.reminders[0]:"],
    ["a repeated reminder", { ...valid, reminders: [60, 60] }, "body.reminders: must not repeat"],
    ["six reminders", { ...valid, reminders: [5, 10, 15, 20, 25, 30] }, "body.reminders:"],
    ["reminders that are not a list", { ...valid, reminders: 60 }, "body.reminders:"],
    [
      "a duration off the 15-minute grid",
      { ...valid, durationMin: 20 },
      "body.durationMin: must be a multiple of the 15-minute slot interval",
    ],
    [
      "a buffer off the grid",
      { ...valid, bufferAfterMin: 10 },
      "body.bufferAfterMin: must be a multiple",
    ],
  ])("refuses %s with 400 naming the field", async (_label, body, message) => {
    await expectError(
      await api.admin("POST", "/v1/admin/services", body),
      400,
      "BAD_REQUEST",
      message,
    );
  });

  it("stores intake questions, and a PATCH replaces the list", async () => {
    const questions = [
      {
        id: "consent",
        kind: "boolean",
        label: { en: "I agree", de: "Ich stimme zu" },
        required: true,
      },
      { id: "age", kind: "number", label: { en: "Age" }, required: false, min: 0, max: 120 },
    ];
    const created = await createService({ ...valid, questions });
    expect(created.questions).toEqual(questions);
    const read = await api.admin("GET", `/v1/admin/services/${created.id}`);
    expect(((await read.json()) as { questions: unknown }).questions).toEqual(questions);
    const patched = await api.admin("PATCH", `/v1/admin/services/${created.id}`, {
      questions: [{ id: "phone", kind: "phone", label: { en: "Mobile" } }],
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      name: valid.name,
      questions: [{ id: "phone", kind: "phone", label: { en: "Mobile" }, required: false }],
    });
    const cleared = await api.admin("PATCH", `/v1/admin/services/${created.id}`, { questions: [] });
    expect(((await cleared.json()) as { questions: unknown }).questions).toEqual([]);
  });

  const choice = (options: unknown) => ({
    id: "length",
    kind: "choice",
    label: { en: "Length" },
    options,
  });
  const text = { id: "name", kind: "text", label: { en: "Name" } };
  it.each([
    ["a duplicate question id", [text, text], 'body.questions[1].id: duplicate question id "name"'],
    [
      "a choice without its options",
      [text, choice(undefined)],
      "body.questions[1].options: required for the kind choice",
    ],
    [
      "options on a text question",
      [{ ...text, options: [{ value: "a", label: { en: "A" } }] }],
      "body.questions[0].options: only for the kinds choice and multichoice",
    ],
    [
      "a label without en",
      [{ ...text, label: { de: "Name" } }],
      'body.questions[0].label: must have the default language "en"',
    ],
    ["an unknown kind", [{ ...text, kind: "date" }], "body.questions[0].kind:"],
    [
      "maxLength on a choice",
      [{ ...choice([{ value: "a", label: { en: "A" } }]), maxLength: 5 }],
      "body.questions[0].maxLength: only for the kinds text and textarea",
    ],
    [
      "21 questions",
      Array.from({ length: 21 }, (_, i) => ({ ...text, id: `q${i}` })),
      "body.questions: Too big",
    ],
    [
      "a duplicate option",
      [
        choice([
          { value: "a", label: { en: "A" } },
          { value: "a", label: { en: "B" } },
        ]),
      ],
      'body.questions[0].options[1].value: duplicate option value "a"',
    ],
  ])(
    "refuses %s with 400 naming the field, and writes nothing",
    async (_label, questions, message) => {
      const name = `Refused ${crypto.randomUUID()}`;
      await expectError(
        await api.admin("POST", "/v1/admin/services", { ...valid, name, questions }),
        400,
        "BAD_REQUEST",
        message,
      );
      const all = (await (
        await api.admin("GET", "/v1/admin/services?includeInactive=true")
      ).json()) as {
        services: { name: string }[];
      };
      expect(all.services.map((s) => s.name)).not.toContain(name);
    },
  );

  it("refuses bad questions in a PATCH and leaves the service as it was", async () => {
    const created = await createService({ ...valid, questions: [text] });
    await expectError(
      await api.admin("PATCH", `/v1/admin/services/${created.id}`, { questions: [text, text] }),
      400,
      "BAD_REQUEST",
      "body.questions[1].id: duplicate question id",
    );
    const read = await api.admin("GET", `/v1/admin/services/${created.id}`);
    expect(await read.json()).toEqual(created);
  });

  it("refuses malformed JSON and a bad id with 400", async () => {
    await expectError(
      await api.admin("POST", "/v1/admin/services", "{not json"),
      400,
      "BAD_REQUEST",
      "body: malformed JSON",
    );
    await expectError(
      await api.admin("GET", "/v1/admin/services/DROP%20TABLE"),
      400,
      "BAD_REQUEST",
      "param.id:",
    );
  });

  it("requires the admin token: none, wrong, or not a bearer token gives 401", async () => {
    await expectError(
      await api.request("/v1/admin/services"),
      401,
      "UNAUTHORIZED",
      "header.authorization:",
    );
    await expectError(
      await api.request("/v1/admin/services", { headers: { Authorization: "Bearer wrong-token" } }),
      401,
      "UNAUTHORIZED",
    );
    await expectError(
      await api.request("/v1/admin/services", { headers: { Authorization: "Basic abc" } }),
      401,
      "UNAUTHORIZED",
    );
  });
});
