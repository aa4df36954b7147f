import { describe, expect, it } from "vitest";
import type { ApiFailure } from "./api.ts";
import { explain, fieldOf, stripField } from "./messages.ts";

const failure = (code: string, extra: Partial<ApiFailure> = {}): ApiFailure => ({
  ok: false,
  status: 409,
  code,
  message: "x",
  details: {},
  retryAfterS: undefined,
  ...extra,
});

describe("API outcomes in plain words", () => {
  it.each([
    ["SLOT_HELD", "Someone else is holding this time", false],
    ["SLOT_UNAVAILABLE", "just been taken", false],
    ["HOLD_EXPIRED", "Nothing was booked", false],
    ["STORE_UNAVAILABLE", "Nothing was changed", true],
    ["NETWORK", "can never book twice", true],
    ["TIMEOUT", "can never book twice", true],
    ["SOMETHING_NEW", "Something went wrong (SOMETHING_NEW)", true],
  ])("%s says what happened and offers a next step", (code, text, retry) => {
    const explained = explain(failure(code));
    expect(explained.text).toContain(text);
    expect(explained.retry !== undefined).toBe(retry);
  });

  it("says how long to wait from Retry-After on 429 and on 503 OVERLOADED", () => {
    expect(explain(failure("RATE_LIMITED", { status: 429, retryAfterS: 12 })).text).toContain(
      "wait 12 seconds",
    );
    expect(explain(failure("OVERLOADED", { status: 503, retryAfterS: 3 })).text).toContain(
      "try again in 3 seconds",
    );
    expect(explain(failure("OVERLOADED", { status: 503, retryAfterS: 3 })).retry).toBe("Try again");
  });

  it("finds the field an API error names", () => {
    expect(fieldOf("body.customer.email: Invalid email address")).toBe("customer.email");
    expect(fieldOf("holdId: no such hold")).toBeUndefined();
    expect(stripField("body.customer.phone: must be a phone number")).toBe(
      "must be a phone number",
    );
  });
});
