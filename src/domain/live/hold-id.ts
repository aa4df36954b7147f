import { ID_PATTERN } from "../ids.ts";

/**
 * A hold id names its staff member (`hld_<16 random>_<staffId>`), so extend, release and book
 * reach the one hash that holds it without any lookup. The random part is not a credential: only
 * the hold token is.
 */
export function formatHoldId(holdKey: string, staffId: string): string {
  return `hld_${holdKey}_${staffId}`;
}

export function parseHoldId(holdId: string): { holdKey: string; staffId: string } | null {
  const match = /^hld_([0-9a-z]{16})_(.+)$/.exec(holdId);
  if (!match?.[1] || !match[2] || !ID_PATTERN.test(match[2])) return null;
  return { holdKey: match[1], staffId: match[2] };
}

export const HOLD_ID_PATTERN = /^hld_[0-9a-z]{16}_[a-z]{3}_[a-z0-9_]{4,36}$/;
