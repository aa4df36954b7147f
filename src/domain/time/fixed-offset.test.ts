import { describe, expect, it } from "vitest";
import { parseOffsetDateTime } from "./fixed-offset.ts";

describe("date-times with an offset", () => {
  it("reads what JavaScript's toISOString() writes, fraction and all", () => {
    const written = new Date(Date.UTC(2026, 11, 7, 9, 0)).toISOString(); // …T09:00:00.000Z
    expect(parseOffsetDateTime(written)).toEqual({
      ms: Date.UTC(2026, 11, 7, 9, 0),
      offsetMin: 0,
      localDate: "2026-12-07",
    });
    expect(parseOffsetDateTime("2026-12-07T10:00:00.000+01:00")?.ms).toBe(
      Date.UTC(2026, 11, 7, 9, 0),
    );
    expect(parseOffsetDateTime("2026-12-07T10:00:00.5+01:00")?.ms).toBe(
      Date.UTC(2026, 11, 7, 9, 0, 0, 500),
    );
    expect(parseOffsetDateTime("2026-12-07T10:00:00.123456789Z")?.ms).toBe(
      Date.UTC(2026, 11, 7, 10, 0, 0, 123),
    );
  });

  it("still refuses a fraction without seconds, an empty fraction and a missing offset", () => {
    for (const text of [
      "2026-12-07T10:00.000Z",
      "2026-12-07T10:00:00.Z",
      "2026-12-07T10:00:00.000",
      "2026-12-07T10:00:00.1234567890Z",
    ]) {
      expect(parseOffsetDateTime(text), text).toBeNull();
    }
  });
});
