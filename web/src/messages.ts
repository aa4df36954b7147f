/**
 * API outcomes in plain words, each with the next step the page offers. The page never shows a
 * raw code alone; unknown codes still get a sentence and a way forward.
 */
import type { ApiFailure } from "./api.ts";
import { formatClock } from "./time.ts";

export interface Explained {
  text: string;
  /** The label of the button that retries the same action, when retrying makes sense. */
  retry?: string;
}

function wait(failure: ApiFailure, fallbackS: number): string {
  const s = failure.retryAfterS ?? fallbackS;
  return s >= 90 ? `${Math.ceil(s / 60)} minutes` : `${s} seconds`;
}

/** What went wrong and what to do next, for any failed call. */
export function explain(failure: ApiFailure): Explained {
  switch (failure.code) {
    case "SLOT_HELD": {
      const until = failure.details.heldUntil;
      const when = typeof until === "string" ? ` until ${formatClock(until)} (your time)` : "";
      return {
        text: `Someone else is holding this time${when} while they book. Please choose another time.`,
      };
    }
    case "SLOT_UNAVAILABLE":
      return {
        text: "This time has just been taken or is no longer offered. Please choose another time.",
      };
    case "HOLD_EXPIRED":
      return {
        text: "Your hold on this time ran out and the time is no longer free. Nothing was booked. Please choose another time.",
      };
    case "RATE_LIMITED":
    case "HOLD_LIMIT":
      return {
        text: `Too many requests from your connection. Please wait ${wait(failure, 30)} and try again.`,
        retry: "Try again",
      };
    case "OVERLOADED":
      return {
        text: `The booking system is very busy right now. Please try again in ${wait(failure, 5)}.`,
        retry: "Try again",
      };
    case "STORE_UNAVAILABLE":
      return {
        text: "Bookings are briefly unavailable. Nothing was changed. Please try again in a minute.",
        retry: "Try again",
      };
    case "IDEMPOTENCY_CONFLICT":
      return {
        text: "Your booking is still being processed. Please wait a few seconds and try again.",
        retry: "Try again",
      };
    case "NETWORK":
      return {
        text: "We could not reach the booking service. Check your connection and try again; trying again can never book twice.",
        retry: "Try again",
      };
    case "TIMEOUT":
      return {
        text: "The booking service did not answer in time. Please try again; trying again can never book twice.",
        retry: "Try again",
      };
    case "NOT_FOUND":
      return {
        text: "We could not find this. If you followed a link, check that you opened all of it.",
      };
    case "CONFLICT":
    case "CUTOFF_PASSED":
      return {
        text: `This change is not possible online any more (${stripField(failure.message)}). Please contact us.`,
      };
    case "BAD_REQUEST":
      return { text: `Please check your details: ${stripField(failure.message)}.` };
    default:
      return {
        text: `Something went wrong (${failure.code}). Please try again in a moment.`,
        retry: "Try again",
      };
  }
}

/** "body.customer.email: Invalid email" → "Invalid email". */
export function stripField(message: string): string {
  const at = message.indexOf(": ");
  return at >= 0 && /^[\w.[\]]+$/.test(message.slice(0, at)) ? message.slice(at + 2) : message;
}

/** "body.customer.email: …" → "customer.email" (the field an API error names), or undefined. */
export function fieldOf(message: string): string | undefined {
  const match = /^body\.([\w.]+):/.exec(message);
  return match?.[1];
}
