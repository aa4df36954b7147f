import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { formatWithOffset } from "../time/fixed-offset.ts";
import { parseSupportedDateTime, SUPPORTED_DATES_TEXT } from "../time/supported-range.ts";
import { republishOffers } from "./republish-offers.ts";
import { clientTag } from "./tokens.ts";
import type { Blocked, SlotRef } from "./types.ts";

export interface SlotInput {
  serviceId: string;
  staffId: string;
  start: string;
}

/** Parses a slot start as the API writes it; `field` names it in the error. */
export function slotRef(start: string, field: string): SlotRef {
  // The range check keeps every date step after it (offers, republishing) inside the calendar.
  const parsed = parseSupportedDateTime(start);
  if (!parsed)
    throw new DomainError(
      "BAD_REQUEST",
      `${field}: must be an ISO 8601 date-time with an offset, ${SUPPORTED_DATES_TEXT}, as availability returns it`,
    );
  return { startMs: parsed.ms, offsetMin: parsed.offsetMin };
}

/** The refusals shared by select and hold. */
export function slotRefused(
  outcome: Blocked | { kind: "unavailable"; reason: "not-offered" | "notice" },
  field: string,
): DomainError {
  if (outcome.kind === "unavailable") {
    const why =
      outcome.reason === "notice"
        ? "it starts too soon (minimum notice)"
        : "it is not an offered slot for this service and staff member (reload availability)";
    return new DomainError("SLOT_UNAVAILABLE", `${field}: ${why}`);
  }
  if (outcome.kind === "booked")
    return new DomainError("SLOT_UNAVAILABLE", `${field}: this slot was just booked`);
  const who =
    outcome.mine === true
      ? "you already hold this slot; send your X-Hold-Token to get the hold back"
      : "another client holds this slot";
  return new DomainError("SLOT_HELD", `${field}: ${who}`, {
    details: { heldUntil: new Date(outcome.untilMs).toISOString() },
  });
}

/**
 * Marks the slot as `viewing` by this client for the viewing TTL (one marker per client and
 * staff member: it replaces the client's previous one). One live-state call, no SQL: the slot is
 * checked against what availability last offered (republished once if that offer is gone).
 */
export async function selectSlot({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: SlotInput & { clientId: string };
}) {
  const slot = slotRef(input.start, "body.start");
  const request = {
    serviceId: input.serviceId,
    staffId: input.staffId,
    clientTag: await clientTag(input.clientId),
    slot,
  };
  let outcome = await ctx.liveState.select({ ...request, nowMs: ctx.clock.nowMs() });
  if (
    outcome.kind === "unavailable" &&
    outcome.reason === "not-offered" &&
    (await republishOffers(ctx, input.serviceId, input.staffId, [slot]))
  ) {
    outcome = await ctx.liveState.select({ ...request, nowMs: ctx.clock.nowMs() });
  }
  if (outcome.kind !== "ok") throw slotRefused(outcome, "body.start");
  // In the staff member's offset at each instant (from the offer), however the caller wrote it.
  return {
    staffId: input.staffId,
    serviceId: input.serviceId,
    start: formatWithOffset(slot.startMs, outcome.offsetMin),
    end: formatWithOffset(outcome.endMs, outcome.endOffsetMin),
    expiresAtMs: outcome.expiresAtMs,
  };
}
