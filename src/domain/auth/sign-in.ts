/**
 * Customer sign-in by email code. No account enumeration: requesting a code always answers the
 * same way whether or not the email has appointments. Codes and sessions are stored hashed.
 * The four verbs of one flow share its limits, hashing and errors, so they share a file.
 */
import { hmacHex, randomToken, sha256Hex } from "../crypto.ts";
import { signInCodeEmail } from "../email/templates.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import { deliverSoon } from "../outbox/deliver.ts";
import type { AccountRecord, DomainContext } from "../ports.ts";
import type { Locale } from "../settings/settings.ts";

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
export const SESSION_TTL_MS = 24 * 3_600_000;
/** A business session lasts a working day: it holds admin access (docs/adr/0415-business-sign-in-realm.md). */
export const BUSINESS_SESSION_TTL_MS = 12 * 3_600_000;
/** Business session tokens carry this prefix: recognised (and refused) before any store read. */
export const BUSINESS_SESSION_PREFIX = "ae_bs_";
/** At most 3 codes per email in any rolling 10 minutes, exactly (docs/spec.md, "Sign-in"). */
export const CODES_PER_EMAIL = 3;
export const CODES_PER_IP = 10;
/** Failed verifications per email, across codes, in any rolling 24 h; then even a right code waits. */
export const FAILURES_PER_EMAIL = 10;
export const FAILURE_WINDOW_MS = 24 * 3_600_000;
export const VERIFY_PER_IP = 30;
export const WINDOW_MS = 10 * 60_000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Six digits from a cryptographic source, uniform (rejection sampling, no modulo bias). */
export function newCode(): string {
  const limit = 4_294_000_000; // the largest multiple of 10^6 below 2^32
  for (;;) {
    const [n = limit] = crypto.getRandomValues(new Uint32Array(1));
    if (n < limit) return String(n % 1_000_000).padStart(6, "0");
  }
}

/** A code's hash is keyed by a secret: the 10^6 possible codes cannot be tried offline. */
function codeHash(ctx: DomainContext, email: string, code: string): Promise<string> {
  return hmacHex(ctx.secrets.codeKey, `${email}:${code}`);
}

/** A guess hashed with the current secret and, during a rotation, the previous one. */
async function guessHashes(ctx: DomainContext, email: string, code: string): Promise<string[]> {
  const hashes = [await codeHash(ctx, email, code)];
  const previous = ctx.secrets.previous;
  if (previous) hashes.push(await hmacHex(previous.codeKey, `${email}:${code}`));
  return hashes;
}

/** The limiter must not fail open: if it cannot answer, no code is sent (503). */
async function limit(ctx: DomainContext, keys: { key: string; limit: number }[]): Promise<void> {
  const outcome = await ctx.limiter
    .take({ keys, windowMs: WINDOW_MS, nowMs: ctx.clock.nowMs() })
    .catch((error: unknown) => {
      throw new DomainError(
        "STORE_UNAVAILABLE",
        "Sign-in is briefly unavailable; try again shortly.",
        { cause: error },
      );
    });
  if (!outcome.ok)
    throw rateLimited("Too many sign-in attempts; try again later.", outcome.retryAfterMs);
}

/**
 * Who signs in: customers (their appointments), or the business's accounts (the admin API,
 * src/domain/auth/accounts.ts). A business code is kept under `business:<email>`: its own
 * code, limits and failure cap, and hashed apart, so a code of one realm never opens the other.
 */
export type Realm = "customer" | "business";

function codeKeyOf(realm: Realm, email: string): string {
  return realm === "business" ? `business:${email}` : email;
}

/** The active business account of an email, if any (deactivated: none). */
async function activeAccountOf(ctx: DomainContext, email: string) {
  const account = await ctx.accounts.findByEmail(email);
  return account && account.deactivatedAtMs === null ? account : null;
}

export async function requestCode({
  ctx,
  input,
}: {
  ctx: DomainContext;
  /** locale null: the business's `defaultLocale` (read only then). */
  input: { email: string; clientIp: string; locale: Locale | null; realm?: Realm };
}): Promise<void> {
  const realm = input.realm ?? "customer";
  const email = normalizeEmail(input.email);
  const key = codeKeyOf(realm, email);
  await limit(ctx, [{ key: `otp:ip:${input.clientIp}`, limit: CODES_PER_IP }]);
  const code = newCode();
  const nowMs = ctx.clock.nowMs();
  // A business code goes only to an active account; for any other address it is stored and
  // counted all the same (nobody can know it), so that the answer and the limits are the same.
  const sendable = realm === "customer" || (await activeAccountOf(ctx, email)) !== null;
  const locale = input.locale ?? (await ctx.catalog.getSettings()).defaultLocale;
  const message = sendable ? signInCodeEmail({ to: email, code, locale }) : null;
  // The per-email limit is counted in MySQL, in the transaction that inserts the code: exact
  // whichever live-state store answers, and across a failover.
  const outcome = await ctx.auth.createCode({
    limit: { max: CODES_PER_EMAIL, windowMs: WINDOW_MS },
    id: newId("cod"),
    email: key,
    codeHash: await codeHash(ctx, key, code),
    nowMs,
    expiresAtMs: nowMs + CODE_TTL_MS,
    message,
  });
  if (!outcome.issued)
    throw rateLimited(
      "body.email: too many codes for this email; try again later",
      outcome.retryAfterMs,
    );
  // Sent right away (after the response); the Cron Trigger only retries a failed send.
  if (message) deliverSoon(ctx, { emailIds: [message.id], eventIds: [] });
}

function rateLimited(message: string, retryAfterMs: number): DomainError {
  return new DomainError("RATE_LIMITED", message, {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

export async function verifyCode({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { email: string; code: string; clientIp: string; realm?: Realm };
}) {
  await limit(ctx, [{ key: `verify:ip:${input.clientIp}`, limit: VERIFY_PER_IP }]);
  const realm = input.realm ?? "customer";
  const email = normalizeEmail(input.email);
  const key = codeKeyOf(realm, email);
  const nowMs = ctx.clock.nowMs();
  let sessionToken = randomToken();
  let expiresAtMs = nowMs + SESSION_TTL_MS;
  let session: { tokenHash: string; expiresAtMs: number; accountId?: string } | null = null;
  let account: AccountRecord | null = null;
  if (realm === "customer") {
    session = { tokenHash: await sha256Hex(sessionToken), expiresAtMs };
  } else {
    // Read at verification: an account deactivated since its code was sent gets no session.
    account = await activeAccountOf(ctx, email);
    sessionToken = `${BUSINESS_SESSION_PREFIX}${randomToken()}`;
    expiresAtMs = nowMs + BUSINESS_SESSION_TTL_MS;
    if (account) {
      session = { tokenHash: await sha256Hex(sessionToken), expiresAtMs, accountId: account.id };
    }
  }
  const outcome = await ctx.auth.verifyCode({
    email: key,
    codeHashes: await guessHashes(ctx, key, input.code),
    nowMs,
    maxAttempts: CODE_MAX_ATTEMPTS,
    failureCap: { max: FAILURES_PER_EMAIL, windowMs: FAILURE_WINDOW_MS },
    session,
  });
  if (typeof outcome === "object") {
    // The lock-out trade-off (docs/adr/0403-failed-verification-cap.md): an attacker can lock an email out for a day,
    // but can never make more than 10 guesses a day at its codes.
    throw rateLimited(
      "body.email: too many failed sign-in attempts for this email; try again later",
      outcome.retryAfterMs,
    );
  }
  if (outcome !== "ok" || session === null) {
    // One answer for wrong and dead codes: it must not tell whether a code was requested.
    throw new DomainError(
      "UNAUTHORIZED",
      "body.code: wrong or expired code (after 5 wrong attempts, ask for a new one)",
    );
  }
  /** `account`: the business account signed in (the customer realm has none). */
  return { sessionToken, expiresAtMs, account };
}

/** The signed-in customer's email, or null for a missing, expired or revoked session. */
export async function resolveSession(
  ctx: DomainContext,
  sessionToken: string,
): Promise<string | null> {
  if (sessionToken === "") return null;
  const session = await ctx.auth.findSession(await sha256Hex(sessionToken), ctx.clock.nowMs());
  return session?.email ?? null;
}

export async function endSession({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { sessionToken: string };
}): Promise<void> {
  if (
    input.sessionToken === "" ||
    !(await ctx.auth.revokeSession(await sha256Hex(input.sessionToken), ctx.clock.nowMs()))
  ) {
    throw new DomainError("UNAUTHORIZED", "header.authorization: no such session");
  }
}
