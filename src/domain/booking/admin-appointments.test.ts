import { describe, expect, it } from "vitest";
import { ATTENDANCE_CORRECTION_MS, attendanceRefusal } from "./admin-appointments.ts";
import type { AppointmentStatus } from "./types.ts";

const START = Date.UTC(2027, 2, 28, 8, 0);
const at = (status: AppointmentStatus) => ({ status, startMs: START });

describe("attendanceRefusal", () => {
  it("marks only from the start on", () => {
    expect(attendanceRefusal(at("confirmed"), "no_show", START - 1)).toBe("not-started");
    expect(attendanceRefusal(at("confirmed"), "attended", START - 1)).toBe("not-started");
    expect(attendanceRefusal(at("confirmed"), "no_show", START)).toBeNull();
  });

  it("lets a confirmed appointment be marked long after its start", () => {
    expect(attendanceRefusal(at("confirmed"), "attended", START + 400 * 86_400_000)).toBeNull();
  });

  it("changes a mark until 7 days after the start, not a millisecond later", () => {
    const last = START + ATTENDANCE_CORRECTION_MS;
    expect(ATTENDANCE_CORRECTION_MS).toBe(7 * 86_400_000);
    expect(attendanceRefusal(at("no_show"), "confirmed", last)).toBeNull();
    expect(attendanceRefusal(at("no_show"), "attended", last)).toBeNull();
    expect(attendanceRefusal(at("no_show"), "confirmed", last + 1)).toBe("final");
    expect(attendanceRefusal(at("attended"), "no_show", last + 1)).toBe("final");
  });

  it("never refuses the status the appointment already has", () => {
    expect(attendanceRefusal(at("no_show"), "no_show", START + 30 * 86_400_000)).toBeNull();
    expect(attendanceRefusal(at("confirmed"), "confirmed", START - 86_400_000)).toBeNull();
  });

  it("refuses any change of a cancelled appointment", () => {
    for (const status of ["confirmed", "attended", "no_show"] as const)
      expect(attendanceRefusal(at("cancelled"), status, START + 60_000)).toBe("cancelled");
  });
});
