/**
 * The waitlist: join (an emailed code confirms it), confirm, leave. Offers are in offer.ts.
 * docs/adr/0315-waitlist-offers-hold-the-freed-time.md, docs/spec.md ("Waitlist").
 */
import { loadLiveAvailability } from "../availability/get-availability.ts";
import {
  CODE_MAX_ATTEMPTS,
  CODE_TTL_MS,
  FAILURE_WINDOW_MS,
  FAILURES_PER_EMAIL,
  newCode,
  normalizeEmail,
} from "../auth/sign-in.ts";
import { base64url, hmacHex, hmacSha256, secretsEqual } from "../crypto.ts";
import { waitlistCodeEmail } from "../email/templates.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import { overlaySlot } from "../live/offers.ts";
import { deliverSoon } from "../outbox/deliver.ts";
import type { DomainContext } from "../ports.ts";
import type { Locale } from "../settings/settings.ts";
import { isSupportedDate, SUPPORTED_DATES_TEXT } from "../time/supported-range.ts";
import {
  addDays,
  daysBetween,
  formatHhmm,
  localDateOf,
  minuteOfDayOf,
  wallTimeToInstant,
} from "../time/zoned-time.ts";
import type { WaitlistEntry } from "./types.ts";

/** At most this many active entries (waiting, or pending a code) per email. */
export const MAX_ACTIVE_ENTRIES = 3;
/** Joins per address in any rolling 10 minutes (each one emails a code). */
export const JOINS_PER_IP = 10;
export const CONFIRMS_PER_IP = 30;
const WINDOW_MS = 10 * 60_000;

/** The code key of an entry: its own realm, so a waitlist code signs nobody in, and back. */
export function codeKeyOf(entryId: string): string {
  return `waitlist:${entryId}`;
}

/**
 * The entry's token (leave and book links): derived, never stored, like a manage token, so the
 * join's answer and every email carry the same one.
 */
export async function entryToken(ctx: DomainContext, entryId: string): Promise<string> {
  return base64url(
    (await hmacSha256(ctx.secrets.manageTokenKey, `waitlist-entry:${entryId}`)).slice(0, 24),
  );
}

async function tokenMatches(ctx: DomainContext, entryId: string, token: string): Promise<boolean> {
  const keys = [ctx.secrets.manageTokenKey];
  if (ctx.secrets.previous) keys.push(ctx.secrets.previous.manageTokenKey);
  for (const key of keys) {
    const expected = base64url((await hmacSha256(key, `waitlist-entry:${entryId}`)).slice(0, 24));
    if (await secretsEqual(token, expected)) return true;
  }
  return false;
}

export function leaveUrl(ctx: DomainContext, entryId: string, token: string): string {
  return `${ctx.deployment.publicBaseUrl}/waitlist?id=${encodeURIComponent(entryId)}&action=leave&token=${encodeURIComponent(token)}`;
}

async function limit(ctx: DomainContext, key: string, most: number): Promise<void> {
  const outcome = await ctx.limiter
    .take({ keys: [{ key, limit: most }], windowMs: WINDOW_MS, nowMs: ctx.clock.nowMs() })
    .catch((error: unknown) => {
      throw new DomainError("STORE_UNAVAILABLE", "The waitlist is briefly unavailable.", {
        cause: error,
      });
    });
  if (!outcome.ok)
    throw new DomainError("RATE_LIMITED", "Too many waitlist requests; try again later.", {
      retryAfterSeconds: Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)),
    });
}

/** Whether a slot's local start falls in the entry's window. */
export function inWindow(
  entry: Pick<WaitlistEntry, "fromMin" | "toMin">,
  startMs: number,
  timeZone: string,
): boolean {
  const minute = minuteOfDayOf(startMs, timeZone);
  return (
    (entry.fromMin === null || minute >= entry.fromMin) &&
    (entry.toMin === null || minute < entry.toMin)
  );
}

export function presentEntry(entry: WaitlistEntry) {
  return {
    id: entry.id,
    serviceId: entry.serviceId,
    staffId: entry.staffId,
    date: entry.date,
    from: entry.fromMin === null ? null : formatHhmm(entry.fromMin),
    to: entry.toMin === null ? null : formatHhmm(entry.toMin),
    status: entry.status,
    expiresAt: new Date(entry.expiresAtMs).toISOString(),
  };
}

export interface JoinInput {
  serviceId: string;
  staffId: string | null;
  date: string;
  /** Minutes of the day, [from, to); null: open. */
  fromMin: number | null;
  toMin: number | null;
  email: string;
  name: string;
  locale: Locale | null;
  clientIp: string;
}

/**
 * Joins the list for a date (and window) that has no free time, pending the emailed code. The
 * free-time check keeps the list from becoming a way to hold free time by email.
 */
export async function joinWaitlist({ ctx, input }: { ctx: DomainContext; input: JoinInput }) {
  if (!isSupportedDate(input.date))
    throw new DomainError(
      "BAD_REQUEST",
      `body.date: must be a calendar date YYYY-MM-DD ${SUPPORTED_DATES_TEXT}`,
    );
  if (input.fromMin !== null && input.toMin !== null && input.toMin <= input.fromMin)
    throw new DomainError("BAD_REQUEST", "body.to: must be after from");
  await limit(ctx, `waitlist:ip:${input.clientIp}`, JOINS_PER_IP);
  const [service, staff, settings] = await Promise.all([
    ctx.catalog.getService(input.serviceId),
    input.staffId === null ? null : ctx.catalog.getStaff(input.staffId),
    ctx.catalog.getSettings(),
  ]);
  if (!service?.active)
    throw new DomainError("NOT_FOUND", "body.serviceId: no such active service");
  if (input.staffId !== null && (!staff?.active || !staff.serviceIds.includes(service.id)))
    throw new DomainError(
      "NOT_FOUND",
      "body.staffId: no such active staff member performing this service",
    );
  const zone = staff?.timeZone ?? settings.timeZone;
  const nowMs = ctx.clock.nowMs();
  const today = localDateOf(nowMs, zone);
  if (daysBetween(today, input.date) < 0)
    throw new DomainError("BAD_REQUEST", "body.date: must not be in the past");
  if (daysBetween(today, input.date) > settings.horizonDays)
    throw new DomainError("BAD_REQUEST", "body.date: beyond the booking horizon");
  const { days, liveOf } = await loadLiveAvailability({
    ctx,
    input: {
      serviceId: service.id,
      ...(input.staffId !== null ? { staffId: input.staffId } : {}),
      fromDate: input.date,
      toDate: input.date,
    },
  });
  const free = days
    .flatMap((day) => day.slots)
    .some(
      (slot) =>
        overlaySlot(slot, liveOf(slot.staffId)).state === "available" &&
        inWindow(input, slot.startMs, staff?.timeZone ?? settings.timeZone),
    );
  if (free)
    throw new DomainError(
      "CONFLICT",
      "body.date: this date has free time in the window asked for; book it instead",
    );
  const email = normalizeEmail(input.email);
  const locale = input.locale ?? settings.defaultLocale;
  const id = newId("wtl");
  const token = await entryToken(ctx, id);
  const code = newCode();
  const key = codeKeyOf(id);
  const entry: WaitlistEntry = {
    id,
    email,
    name: input.name,
    locale,
    serviceId: service.id,
    staffId: input.staffId,
    date: input.date,
    fromMin: input.fromMin,
    toMin: input.toMin,
    status: "pending",
    createdAtMs: nowMs,
    confirmedAtMs: null,
    expiresAtMs: wallTimeToInstant(addDays(input.date, 1), 0, zone, "start"),
  };
  const dayStartMs = wallTimeToInstant(input.date, 0, zone, "start");
  const message = waitlistCodeEmail({
    to: email,
    code,
    locale,
    businessName: settings.businessName,
    serviceName: service.name,
    day: { startMs: dayStartMs, endMs: dayStartMs, timeZone: zone },
    leaveUrl: leaveUrl(ctx, id, token),
  });
  const outcome = await ctx.waitlist.join({
    entry,
    code: {
      id: newId("cod"),
      key,
      hash: await hmacHex(ctx.secrets.codeKey, `${key}:${code}`),
      expiresAtMs: nowMs + CODE_TTL_MS,
    },
    message,
    maxActive: MAX_ACTIVE_ENTRIES,
    pendingForMs: CODE_TTL_MS,
    nowMs,
  });
  if (outcome === "too-many")
    throw new DomainError(
      "CONFLICT",
      `body.email: at most ${MAX_ACTIVE_ENTRIES} active waitlist entries per email; leave one first`,
    );
  deliverSoon(ctx, { emailIds: [message.id], eventIds: [] });
  return { entry: presentEntry(entry), token };
}

function unknownEntry(): DomainError {
  return new DomainError("NOT_FOUND", "id: no such waitlist entry for this token");
}

/** Confirms an entry with its emailed code (the sign-in machinery's limits, no session). */
export async function confirmWaitlist({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; code: string; clientIp: string };
}) {
  await limit(ctx, `waitlist:verify:ip:${input.clientIp}`, CONFIRMS_PER_IP);
  const key = codeKeyOf(input.id);
  const hashes = [await hmacHex(ctx.secrets.codeKey, `${key}:${input.code}`)];
  if (ctx.secrets.previous)
    hashes.push(await hmacHex(ctx.secrets.previous.codeKey, `${key}:${input.code}`));
  const nowMs = ctx.clock.nowMs();
  const outcome = await ctx.auth.verifyCode({
    email: key,
    codeHashes: hashes,
    nowMs,
    maxAttempts: CODE_MAX_ATTEMPTS,
    failureCap: { max: FAILURES_PER_EMAIL, windowMs: FAILURE_WINDOW_MS },
    session: null,
  });
  if (typeof outcome === "object")
    throw new DomainError(
      "RATE_LIMITED",
      "body.code: too many failed attempts for this entry; try again later",
      { retryAfterSeconds: Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)) },
    );
  if (outcome !== "ok")
    throw new DomainError(
      "UNAUTHORIZED",
      "body.code: wrong or expired code (after 5 wrong attempts the entry cannot be confirmed)",
    );
  const confirmed = await ctx.waitlist.confirm(input.id, nowMs);
  const entry = await ctx.waitlist.get(input.id);
  if (!entry) throw unknownEntry();
  if (!confirmed && entry.status !== "waiting")
    throw new DomainError(
      "CONFLICT",
      entry.status === "pending"
        ? "id: the entry's date has passed"
        : `id: the entry is ${entry.status}`,
    );
  return presentEntry(entry);
}

/** The entry, when the token is its own; 404 otherwise (ids leak nothing). */
export async function entryFor(
  ctx: DomainContext,
  id: string,
  token: string,
): Promise<WaitlistEntry> {
  if (!(await tokenMatches(ctx, id, token))) throw unknownEntry();
  const entry = await ctx.waitlist.get(id);
  if (!entry) throw unknownEntry();
  return entry;
}

/** Leaves the list (again: the same answer). A booked or expired entry is 409. */
export async function leaveWaitlist({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; token: string };
}) {
  const entry = await entryFor(ctx, input.id, input.token);
  if (entry.status === "left") return presentEntry(entry);
  if (!(await ctx.waitlist.leave(entry.id, ctx.clock.nowMs()))) {
    const now = await ctx.waitlist.get(entry.id);
    if (now?.status === "left") return presentEntry(now);
    throw new DomainError("CONFLICT", `id: the entry is ${now?.status ?? entry.status}`);
  }
  return presentEntry({ ...entry, status: "left" });
}
