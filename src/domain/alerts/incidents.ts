/**
 * The pure rules of system alerts (docs/adr/1201-system-alerts.md): when a problem seen by some
 * isolate opens an incident, when that incident is alerted, and when its recovery is. The
 * storage adapter runs these steps on the incident's row under a row lock, so every isolate of
 * the deployment applies them to the same state, one at a time.
 */

/** One row per deployment and kind: the Redis outage, its memory, sync conflicts, the outbox. */
export type IncidentKind = "redis" | "redis_memory" | "sync_conflicts" | "outbox_backlog";

export interface IncidentState {
  /** The problem is going on (a failover was seen and no failback since; memory is high …). */
  open: boolean;
  /** The open incident (or the last one), as its events name it. */
  incidentId: string | null;
  openedAtMs: number | null;
  /** The open incident's alert was sent: its recovery is alerted too. */
  alerted: boolean;
  /** The last alert of this kind; another waits until the cool-down has passed since it. */
  lastAlertAtMs: number | null;
}

export const NO_INCIDENT: IncidentState = {
  open: false,
  incidentId: null,
  openedAtMs: null,
  alerted: false,
  lastAlertAtMs: null,
};

/** What a step does to the row: nothing, or a new state and possibly an alert. */
export type Step =
  | { change: false }
  | { change: true; next: IncidentState; alert: "problem" | "recovery" | null };

export interface ProblemInput {
  nowMs: number;
  cooldownMs: number;
  /** The id a newly opened incident gets. */
  newIncidentId: () => string;
  /** When the problem began, if earlier than now (a failover seen before its alert runs). */
  sinceMs?: number;
}

function coolingDown(state: IncidentState, input: ProblemInput): boolean {
  return state.lastAlertAtMs !== null && input.nowMs - state.lastAlertAtMs < input.cooldownMs;
}

/**
 * The problem was seen (a failover, memory above its threshold, a backlog). A closed incident
 * opens; it is alerted unless an alert of this kind went out within the cool-down (a flapping
 * Redis alerts once per window). An open incident alerted already changes nothing: every other
 * isolate that sees the same outage finds it so. An open incident that opened silently within the
 * cool-down is alerted the first time the problem is seen after the cool-down has passed.
 */
export function onProblem(state: IncidentState, input: ProblemInput): Step {
  if (state.open && state.alerted) return { change: false };
  const quiet = coolingDown(state, input);
  if (state.open && quiet) return { change: false };
  const opened: IncidentState = state.open
    ? state
    : {
        ...state,
        open: true,
        incidentId: input.newIncidentId(),
        openedAtMs: Math.min(input.sinceMs ?? input.nowMs, input.nowMs),
        alerted: false,
      };
  if (quiet) return { change: true, next: opened, alert: null };
  return {
    change: true,
    next: { ...opened, alerted: true, lastAlertAtMs: input.nowMs },
    alert: "problem",
  };
}

/**
 * The problem is over (a failback, memory back under its threshold, the backlog drained). An open
 * incident closes; its recovery is alerted only when its problem was (nobody was told of an
 * outage that opened within the cool-down, so nobody is told it ended either).
 */
export function onRecovery(state: IncidentState): Step {
  if (!state.open) return { change: false };
  return {
    change: true,
    next: { ...state, open: false, alerted: false },
    alert: state.alerted ? "recovery" : null,
  };
}

/**
 * Something that happens at once and is not "going on" (a failback sync found conflicts): alerted
 * unless an alert of this kind went out within the cool-down; the incident never stays open.
 */
export function onOccurrence(state: IncidentState, input: ProblemInput): Step {
  if (coolingDown(state, input)) return { change: false };
  return {
    change: true,
    next: {
      open: false,
      incidentId: input.newIncidentId(),
      openedAtMs: input.nowMs,
      alerted: false,
      lastAlertAtMs: input.nowMs,
    },
    alert: "problem",
  };
}

/** The bytes above which Redis's memory is high: `percent` of the limit, rounded down. */
export function memoryThresholdBytes(limitBytes: number, percent: number): number {
  return Math.floor((limitBytes * percent) / 100);
}

/** Whether Redis uses more than `percent` of its limit (null: Redis could not say). */
export function memoryIsHigh(
  usedBytes: number | null,
  limitBytes: number,
  percent: number,
): boolean | null {
  if (usedBytes === null) return null;
  return usedBytes > memoryThresholdBytes(limitBytes, percent);
}

/** Outbox rows neither delivered nor given up that were written before a cut-off. */
export interface OutboxBacklog {
  /** Rows with at least one failed attempt. */
  failing: number;
  /** Rows not attempted yet. */
  waiting: number;
  /** When the oldest of them was written (null: none). */
  oldestCreatedAtMs: number | null;
}

/** A backlog is a problem when any delivery has waited `afterMs` or longer. */
export function backlogIsHigh(backlog: OutboxBacklog): boolean {
  return backlog.failing + backlog.waiting > 0;
}
