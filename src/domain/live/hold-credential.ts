/**
 * The one way from a presented hold token to the live-state store. A token is
 * `<secret>.<claim>.<mac>` and the store keeps only the hash of its secret part, so the secret
 * part alone would match the stored hash while carrying no claim: no holders for the hold limits
 * to count, no slots, no cap. Only a whole token this server signed (with the current secret or
 * the previous one) becomes a credential; anything less is no token at all.
 */
import type { DomainContext } from "../ports.ts";
import { parseHoldId } from "./hold-id.ts";
import { type HoldClaim, holdSecretOf, verifyHoldTokenAny } from "./hold-token.ts";
import { hashToken } from "./tokens.ts";

export interface HoldCredential {
  holdKey: string;
  staffId: string;
  /** What the signed token says about its hold. */
  claim: HoldClaim;
  /** The stored form of the token: what extend, release and booking present to the store. */
  tokenHash: string;
}

/** The credential for hold `holdId`, or null: malformed, forged, altered, partial, or another's. */
export async function holdCredential(
  secrets: DomainContext["secrets"],
  holdId: string,
  holdToken: string,
): Promise<HoldCredential | null> {
  const parsed = parseHoldId(holdId);
  if (!parsed) return null;
  const claim = await verifyHoldTokenAny(secrets, holdToken);
  if (!claim || claim.staffId !== parsed.staffId) return null;
  return { ...parsed, claim, tokenHash: await hashToken(holdSecretOf(holdToken)) };
}

/**
 * The stored form of a token presented with a repeat of a hold (POST /v1/holds), or null when
 * it is not a whole signed token: the repeat is then refused like anyone else's.
 */
export async function presentedTokenHash(
  secrets: DomainContext["secrets"],
  holdToken: string | undefined,
): Promise<string | null> {
  if (!holdToken || !(await verifyHoldTokenAny(secrets, holdToken))) return null;
  return hashToken(holdSecretOf(holdToken));
}
