import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { Settings } from "./settings.ts";

export async function getSettings({ ctx }: { ctx: DomainContext }): Promise<Settings> {
  return ctx.catalog.getSettings();
}

/**
 * Merges the given fields onto the current settings (omitted fields keep their value). The merged
 * result is checked as a whole: a hold's extension cap below its initial TTL would make every new
 * hold already past its cap, so that combination is refused whichever field the caller changed.
 */
export async function updateSettings({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: Partial<Settings>;
}): Promise<Settings> {
  const next = Settings.parse({ ...(await ctx.catalog.getSettings()), ...input });
  if (next.holdExtensionCapS < next.holdTtlS) {
    throw new DomainError(
      "BAD_REQUEST",
      `body.holdExtensionCapS: must be at least holdTtlS (${next.holdExtensionCapS} < ${next.holdTtlS} seconds)`,
    );
  }
  await ctx.catalog.putSettings(next, ctx.pendingAudit);
  return next;
}
