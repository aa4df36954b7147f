import { describe, it } from "vitest";
import { expectError, testApi } from "../../../test/drivers/api.ts";

const api = testApi();
const ok = {
  clientId: "client_12345678",
  serviceId: "svc_abcdefgh",
  staffId: "stf_abcdefgh",
  start: "2026-12-07T10:00:00+01:00",
};
const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.request(path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("live-state routes refuse bad input with 400 naming the field", () => {
  it.each([
    ["a missing clientId", { ...ok, clientId: undefined }, "body.clientId:"],
    ["a short clientId", { ...ok, clientId: "abc" }, "body.clientId:"],
    ["a bad service id", { ...ok, serviceId: "drop table" }, "body.serviceId:"],
    ["a start without an offset", { ...ok, start: "2026-12-07T10:00:00" }, "body.start:"],
    ["a start on 30 February", { ...ok, start: "2026-02-30T10:00:00+01:00" }, "body.start:"],
    ["a start at 24:30", { ...ok, start: "2026-12-07T24:30:00+01:00" }, "body.start:"],
    ["a numeric start", { ...ok, start: 1765098000000 }, "body.start:"],
    ["an unknown field", { ...ok, note: "x" }, "body:"],
  ])("select and hold refuse %s", async (_label, body, message) => {
    await expectError(await send("POST", "/v1/slots/select", body), 400, "BAD_REQUEST", message);
    await expectError(await send("POST", "/v1/holds", body), 400, "BAD_REQUEST", message);
  });

  it.each([
    [
      "both slots and start",
      { ...ok, slots: [{ serviceId: ok.serviceId, staffId: ok.staffId, start: ok.start }] },
      "body.serviceId: give either slots",
    ],
    ["no slot at all", { clientId: ok.clientId }, "body.serviceId: required (or give slots)"],
    ["an empty slots list", { clientId: ok.clientId, slots: [] }, "body.slots:"],
    [
      "thirteen slots (more than a series has occurrences)",
      {
        clientId: ok.clientId,
        slots: Array(13).fill({ serviceId: ok.serviceId, staffId: ok.staffId, start: ok.start }),
      },
      "body.slots:",
    ],
    [
      "a bad slot",
      {
        clientId: ok.clientId,
        slots: [{ serviceId: ok.serviceId, staffId: ok.staffId, start: "soon" }],
      },
      "body.slots[0].start:",
    ],
    [
      "two staff members",
      {
        clientId: ok.clientId,
        slots: [
          { ...ok, clientId: undefined },
          { serviceId: ok.serviceId, staffId: "stf_other000", start: ok.start },
        ],
      },
      "body.slots[1].staffId: one hold covers one staff member",
    ],
  ])("hold refuses %s", async (_label, body, message) => {
    await expectError(await send("POST", "/v1/holds", body), 400, "BAD_REQUEST", message);
  });

  it("refuses malformed JSON and a non-JSON content type", async () => {
    await expectError(
      await send("POST", "/v1/holds", "{"),
      400,
      "BAD_REQUEST",
      "body: malformed JSON",
    );
    const text = await api.request("/v1/holds", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify(ok),
    });
    await expectError(text, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("extend and release refuse a bad hold id and a missing token", async () => {
    await expectError(
      await send("PATCH", "/v1/holds/nope", undefined, { "X-Hold-Token": "t".repeat(43) }),
      400,
      "BAD_REQUEST",
      "param.holdId:",
    );
    await expectError(
      await send("DELETE", "/v1/holds/hld_0123456789abcdef_stf_abcdefgh", undefined),
      400,
      "BAD_REQUEST",
      "header.x-hold-token:",
    );
  });

  it.each([
    [
      "a bad date",
      { clientId: ok.clientId, staffId: ok.staffId, date: "2026-13-01" },
      "body.date:",
    ],
    [
      "a string for viewing",
      { clientId: ok.clientId, staffId: ok.staffId, date: "2026-12-07", viewing: "yes" },
      "body.viewing:",
    ],
    ["a missing staffId", { clientId: ok.clientId, date: "2026-12-07" }, "body.staffId:"],
    [
      "an oversized since",
      { clientId: ok.clientId, staffId: ok.staffId, date: "2026-12-07", since: "v".repeat(65) },
      "body.since:",
    ],
  ])("heartbeat refuses %s", async (_label, body, message) => {
    await expectError(await send("POST", "/v1/heartbeat", body), 400, "BAD_REQUEST", message);
  });
});
