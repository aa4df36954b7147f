/** Staff verbs (see services.ts for why CRUD verbs share a file). */
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { DomainContext } from "../ports.ts";
import type { Staff, StaffInput } from "./types.ts";

export function staffNotFound(field = "staffId"): DomainError {
  return new DomainError("NOT_FOUND", `${field}: no such staff member`);
}

/** Every service a staff member performs must exist (there are no foreign keys to say so). */
async function checkServices(ctx: DomainContext, serviceIds: string[]): Promise<void> {
  const known = new Set((await ctx.catalog.listServices({ activeOnly: false })).map((s) => s.id));
  serviceIds.forEach((id, index) => {
    if (!known.has(id))
      throw new DomainError("BAD_REQUEST", `body.serviceIds[${index}]: no such service "${id}"`);
  });
}

export async function listStaff({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { includeInactive: boolean; serviceId?: string };
}): Promise<Staff[]> {
  const options = input.serviceId === undefined ? {} : { serviceId: input.serviceId };
  return ctx.catalog.listStaff({ activeOnly: !input.includeInactive, ...options });
}

export async function getStaff({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<Staff> {
  const staff = await ctx.catalog.getStaff(input.id);
  if (!staff) throw staffNotFound("id");
  return staff;
}

export async function createStaff({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: StaffInput;
}): Promise<Staff> {
  await checkServices(ctx, input.serviceIds);
  return ctx.catalog.createStaff(
    newId("stf"),
    { ...input, serviceIds: [...new Set(input.serviceIds)] },
    ctx.pendingAudit,
  );
}

export async function updateStaff({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; patch: Partial<StaffInput> };
}): Promise<Staff> {
  const current = await getStaff({ ctx, input: { id: input.id } });
  const next: StaffInput = { ...current, ...input.patch };
  if (input.patch.serviceIds) await checkServices(ctx, input.patch.serviceIds);
  const updated = await ctx.catalog.updateStaff(
    input.id,
    { ...next, serviceIds: [...new Set(next.serviceIds)] },
    ctx.pendingAudit,
  );
  if (!updated) throw staffNotFound("id");
  return updated;
}

/** Like deleteService: refused with 409 while future appointments exist; deactivate instead. */
export async function deleteStaff({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<void> {
  const outcome = await ctx.catalog.deleteStaff(input.id, ctx.pendingAudit);
  if (outcome === "not-found") throw staffNotFound("id");
  if (outcome === "has-future-appointments") {
    throw new DomainError(
      "CONFLICT",
      "id: the staff member has future appointments; deactivate them (active: false) or cancel the appointments first",
    );
  }
}
