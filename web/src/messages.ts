/**
 * API outcomes in plain words, each with the next step the page offers. The API's codes are
 * language-neutral; the words come from the page's catalogue (i18n/). The page never shows a raw
 * code alone; unknown codes still get a sentence and a way forward.
 */
import type { ApiFailure } from "./api.ts";
import { t } from "./i18n/index.ts";
import { formatClock, formatDay } from "./time.ts";

export interface Explained {
  text: string;
  /** The label of the button that retries the same action, when retrying makes sense. */
  retry?: string;
}

function wait(failure: ApiFailure, fallbackS: number): string {
  const s = failure.retryAfterS ?? fallbackS;
  return s >= 90 ? t().minutes(Math.ceil(s / 60)) : t().seconds(s);
}

/** A cut-off's instant in words: the visitor's day and clock time. */
function cutoffText(cutoffAt: unknown): string | undefined {
  if (typeof cutoffAt !== "string" || Number.isNaN(Date.parse(cutoffAt))) return undefined;
  return `${formatDay(localDateOf(cutoffAt))} ${formatClock(cutoffAt)}`;
}

/** The visitor's own date of an instant, YYYY-MM-DD. */
function localDateOf(iso: string): string {
  const d = new Date(Date.parse(iso));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** What went wrong and what to do next, for any failed call, in the page's language. */
export function explain(failure: ApiFailure): Explained {
  const m = t();
  switch (failure.code) {
    case "SLOT_HELD": {
      const until = failure.details.heldUntil;
      return { text: m.slotHeld(typeof until === "string" ? formatClock(until) : undefined) };
    }
    case "SLOT_UNAVAILABLE":
      return { text: m.slotUnavailable };
    case "HOLD_EXPIRED":
      return { text: m.holdExpired };
    case "RATE_LIMITED":
    case "HOLD_LIMIT":
      return { text: m.tooMany(wait(failure, 30)), retry: m.tryAgain };
    case "OVERLOADED":
      return { text: m.overloaded(wait(failure, 5)), retry: m.tryAgain };
    case "STORE_UNAVAILABLE":
      return { text: m.storeUnavailable, retry: m.tryAgain };
    case "IDEMPOTENCY_CONFLICT":
      return { text: m.stillProcessing, retry: m.tryAgain };
    case "NETWORK":
      return { text: m.network, retry: m.tryAgain };
    case "TIMEOUT":
      return { text: m.timeout, retry: m.tryAgain };
    case "NOT_FOUND":
      return { text: m.notFound };
    case "CUTOFF_PASSED":
      return { text: m.cutoffPassed(cutoffText(failure.details.cutoffAt)) };
    case "CONFLICT":
      return { text: m.notPossible(stripField(failure.message)) };
    case "BAD_REQUEST":
      return { text: m.checkDetails(stripField(failure.message)) };
    default:
      return { text: m.somethingWrong(failure.code), retry: m.tryAgain };
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
