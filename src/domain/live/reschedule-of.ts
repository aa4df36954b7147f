/**
 * `rescheduleOf`: a customer moving an appointment may see and hold times
 * that overlap it (10:00 → 10:30 for 60 minutes). Availability and hold then ignore that one
 * appointment's own cells, for the holder of its manage token or its customer's session only;
 * anyone else gets 404, like the manage routes.
 *
 * What availability offers such a customer is published under a private offer scope derived
 * from the appointment id AND the credential (offerTag below), never under the shared offer of
 * the service: other clients keep seeing, and being refused, the booked time. So a hold that
 * finds an offer in that scope was preceded by an availability read that checked the same
 * credential in SQL (within the offer TTL): the hold needs no SQL of its own. A wrong credential
 * finds no offer, and the republish path checks it in SQL and answers 404.
 */
import { base64url, secretsEqual, sha256, sha256Hex } from "../crypto.ts";
import { DomainError } from "../errors.ts";
import { hashToken } from "./tokens.ts";

/** The appointment to move and who asks (the manage token wins when both are given). */
export interface RescheduleOf {
  appointmentId: string;
  manageToken?: string | undefined;
  sessionToken?: string | undefined;
  /** The request field that named it ("query.rescheduleOf", "body.rescheduleOf"), for errors. */
  field: string;
}

/** What the availability statement read about the appointment and the session, if anything. */
export interface RescheduleFacts {
  appointment: {
    id: string;
    manageTokenHash: string;
    customerEmail: string;
    confirmed: boolean;
  } | null;
  /** The email of the presented session, when it is live. */
  sessionEmail: string | null;
}

/** What the live-state store needs: whose booked entry to ignore, and the private offer scope. */
export interface LiveReschedule {
  appointmentId: string;
  offerTag: string;
}

export function rescheduleNotFound(field: string): DomainError {
  return new DomainError(
    "NOT_FOUND",
    `${field}: no such appointment for this manage token or session`,
  );
}

/** The private offer scope's tag: 128 bits of a hash of the appointment id and the credential. */
export async function liveReschedule(r: RescheduleOf): Promise<LiveReschedule> {
  if (r.manageToken === undefined && r.sessionToken === undefined)
    throw rescheduleNotFound(r.field);
  const secret = r.manageToken !== undefined ? `m:${r.manageToken}` : `s:${r.sessionToken}`;
  const digest = await sha256(`reschedule-offer:${r.appointmentId}:${secret}`);
  return { appointmentId: r.appointmentId, offerTag: base64url(digest.slice(0, 16)) };
}

/** The session token's stored hash (as sign-in stores it), or null without a session. */
export function sessionHashOf(r: RescheduleOf): Promise<string> | null {
  if (r.manageToken !== undefined || r.sessionToken === undefined) return null;
  return sha256Hex(r.sessionToken);
}

/**
 * Passes when the credential is the appointment's own: its manage token (compared by hash), or
 * a live session of its customer. 404 otherwise; 409 CONFLICT when it is no longer confirmed.
 */
export async function checkRescheduleAccess(r: RescheduleOf, facts: RescheduleFacts) {
  const { appointment } = facts;
  if (!appointment || appointment.id !== r.appointmentId) throw rescheduleNotFound(r.field);
  let allowed = false;
  if (r.manageToken !== undefined) {
    allowed = await secretsEqual(await hashToken(r.manageToken), appointment.manageTokenHash);
  } else if (r.sessionToken !== undefined) {
    allowed = facts.sessionEmail !== null && facts.sessionEmail === appointment.customerEmail;
  }
  if (!allowed) throw rescheduleNotFound(r.field);
  if (!appointment.confirmed)
    throw new DomainError("CONFLICT", `${r.field}: the appointment is no longer confirmed`);
}
