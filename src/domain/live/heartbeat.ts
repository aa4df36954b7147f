import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { formatWithOffset } from "../time/fixed-offset.ts";
import { isSupportedDate, SUPPORTED_DATES_TEXT } from "../time/supported-range.ts";
import { addDays } from "../time/zoned-time.ts";
import { clientTag } from "./tokens.ts";
import type { LiveEntry } from "./types.ts";

const HOUR_MS = 3_600_000;

export interface HeartbeatResult {
  serverTimeMs: number;
  version: string;
  /** Omitted when nothing changed since the caller's `since`. */
  slots?: { start: string; end: string; state: LiveEntry["kind"]; mine: boolean }[];
}

/**
 * A version of the live state that changes exactly when the state (as this client sees it)
 * changes: an FNV-1a hash of the sorted entries, without expiry times, so a marker kept alive
 * or a hold extended does not count as a change.
 */
export function liveVersion(entries: readonly LiveEntry[]): string {
  const canonical = entries
    .map((e) => `${e.kind}|${e.mine ? 1 : 0}|${e.startMs}|${e.endMs}`)
    .sort()
    .join("\n");
  let hash = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    hash ^= canonical.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${entries.length.toString(36)}-${hash.toString(36)}`;
}

/**
 * Keeps the caller's viewing marker alive (or drops it) and returns the live state of one staff
 * member on one local date, in one live-state call and no SQL. The store is asked for a window
 * wide enough for any UTC offset and the date: it returns only the entries whose start, in the
 * offset the slot was named with (the staff member's), falls on `date` (the port's contract).
 */
export async function heartbeat({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { clientId: string; staffId: string; date: string; viewing: boolean; since?: string };
}): Promise<HeartbeatResult> {
  if (!isSupportedDate(input.date)) {
    throw new DomainError(
      "BAD_REQUEST",
      `body.date: must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`,
    );
  }
  const nowMs = ctx.clock.nowMs();
  const entries = await ctx.liveState.heartbeat({
    staffId: input.staffId,
    clientTag: await clientTag(input.clientId),
    keepViewing: input.viewing,
    ...liveWindow(input.date),
    localDate: input.date,
    nowMs,
  });
  const version = liveVersion(entries);
  if (input.since === version) return { serverTimeMs: nowMs, version };
  return { serverTimeMs: nowMs, version, slots: presentSlots(entries) };
}

/** The store window read for a local date: wide enough for any UTC offset. */
export function liveWindow(date: string): { fromMs: number; toMs: number } {
  const dayStartUtc = Date.parse(`${date}T00:00:00Z`);
  return {
    fromMs: dayStartUtc - 14 * HOUR_MS,
    toMs: Date.parse(`${addDays(date, 1)}T00:00:00Z`) + 12 * HOUR_MS,
  };
}

/** The entries whose start, in the offset the slot was named with (the staff member's), is on `date`. */
export function onLocalDate<E extends LiveEntry>(entries: readonly E[], date: string): E[] {
  return entries.filter((e) => formatWithOffset(e.startMs, e.offsetMin).slice(0, 10) === date);
}

/** The heartbeat's `slots`: by start, then kind. */
export function presentSlots(onDate: readonly LiveEntry[]): NonNullable<HeartbeatResult["slots"]> {
  return [...onDate]
    .sort((a, b) => a.startMs - b.startMs || a.kind.localeCompare(b.kind))
    .map((e) => ({
      start: formatWithOffset(e.startMs, e.offsetMin),
      end: formatWithOffset(e.endMs, e.offsetMin),
      state: e.kind,
      mine: e.mine,
    }));
}
