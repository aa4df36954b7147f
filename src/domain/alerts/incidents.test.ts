import { describe, expect, it } from "vitest";
import {
  type IncidentState,
  memoryIsHigh,
  memoryThresholdBytes,
  NO_INCIDENT,
  onOccurrence,
  onProblem,
  onRecovery,
  type Step,
} from "./incidents.ts";

const COOLDOWN_MS = 15 * 60_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0);
let ids = 0;
const input = (nowMs: number) => ({
  nowMs,
  cooldownMs: COOLDOWN_MS,
  newIncidentId: () => `inc_${++ids}`,
});
const next = (step: Step): IncidentState => {
  if (!step.change) throw new Error("expected a change");
  return step.next;
};

describe("onProblem: one alert per incident", () => {
  it("opens and alerts the first time; every isolate after that changes nothing", () => {
    ids = 0;
    const first = onProblem(NO_INCIDENT, input(T0));
    expect(first).toEqual({
      change: true,
      next: { open: true, incidentId: "inc_1", openedAtMs: T0, alerted: true, lastAlertAtMs: T0 },
      alert: "problem",
    });
    // Nine more isolates see the same outage, one after another on the row lock, even hours later.
    let state = next(first);
    for (let i = 1; i < 10; i++) {
      expect(onProblem(state, input(T0 + i * 3_600_000))).toEqual({ change: false });
    }
    expect(state.incidentId).toBe("inc_1");
    state = next(onRecovery(state));
    expect(state).toMatchObject({ open: false, alerted: false, incidentId: "inc_1" });
  });

  it("a flapping Redis: the outage after a recovery within the cool-down opens quietly, and is alerted once the window has passed", () => {
    ids = 0;
    let state = next(onProblem(NO_INCIDENT, input(T0)));
    const up = onRecovery(state);
    expect(up).toMatchObject({ change: true, alert: "recovery" });
    state = next(up);
    // Down again 1 minute later: a new incident, not alerted.
    const again = onProblem(state, input(T0 + 60_000));
    expect(again).toEqual({
      change: true,
      next: {
        open: true,
        incidentId: "inc_2",
        openedAtMs: T0 + 60_000,
        alerted: false,
        lastAlertAtMs: T0,
      },
      alert: null,
    });
    state = next(again);
    // Seen again within the window: nothing; its quiet recovery is not alerted either.
    expect(onProblem(state, input(T0 + COOLDOWN_MS - 1))).toEqual({ change: false });
    expect(onRecovery(state)).toMatchObject({ change: true, alert: null });
    // Still down when the window ends: alerted now, as the same incident.
    const late = onProblem(state, input(T0 + COOLDOWN_MS));
    expect(late).toEqual({
      change: true,
      next: {
        open: true,
        incidentId: "inc_2",
        openedAtMs: T0 + 60_000,
        alerted: true,
        lastAlertAtMs: T0 + COOLDOWN_MS,
      },
      alert: "problem",
    });
    expect(onRecovery(next(late))).toMatchObject({ change: true, alert: "recovery" });
  });

  it("an incident opens when the problem began, never later than now", () => {
    expect(next(onProblem(NO_INCIDENT, { ...input(T0), sinceMs: T0 - 900 })).openedAtMs).toBe(
      T0 - 900,
    );
    expect(next(onProblem(NO_INCIDENT, { ...input(T0), sinceMs: T0 + 5 })).openedAtMs).toBe(T0);
  });

  it("a recovery with nothing open changes nothing", () => {
    expect(onRecovery(NO_INCIDENT)).toEqual({ change: false });
  });
});

describe("onOccurrence: at most one alert per cool-down", () => {
  it("alerts, then stays quiet until the window has passed; never stays open", () => {
    ids = 0;
    const first = onOccurrence(NO_INCIDENT, input(T0));
    expect(first).toEqual({
      change: true,
      next: { open: false, incidentId: "inc_1", openedAtMs: T0, alerted: false, lastAlertAtMs: T0 },
      alert: "problem",
    });
    const state = next(first);
    expect(onOccurrence(state, input(T0 + COOLDOWN_MS - 1))).toEqual({ change: false });
    expect(onOccurrence(state, input(T0 + COOLDOWN_MS))).toMatchObject({
      change: true,
      alert: "problem",
      next: { incidentId: "inc_2", lastAlertAtMs: T0 + COOLDOWN_MS },
    });
  });
});

describe("memory threshold", () => {
  it("is the share of the limit, rounded down; above it (not at it) is high", () => {
    expect(memoryThresholdBytes(256 * 1024 * 1024, 80)).toBe(214_748_364);
    expect(memoryThresholdBytes(1000, 80)).toBe(800);
    expect(memoryIsHigh(800, 1000, 80)).toBe(false);
    expect(memoryIsHigh(801, 1000, 80)).toBe(true);
    expect(memoryIsHigh(null, 1000, 80)).toBeNull();
  });
});
