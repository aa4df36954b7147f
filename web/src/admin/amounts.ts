/** Prices as a person types them, turned into the API's minor units (cents), with no DOM. */

/**
 * "55", "55.5", "55,50" (either decimal mark, at most two decimals) → 5550 minor units; NaN when
 * the text is not such an amount (thousands separators, signs and letters included).
 */
export function minorUnits(raw: string): number {
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(raw.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}
