/**
 * Service verbs. CRUD verbs of one entity share a file: each is a few lines of rules over the
 * repository, and reading them together shows the whole life cycle of a service.
 */
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { DomainContext } from "../ports.ts";
import type { Service, ServiceInput } from "./types.ts";

export function serviceNotFound(field = "serviceId"): DomainError {
  return new DomainError("NOT_FOUND", `${field}: no such service`);
}

/** Durations and buffers must sit on the slot grid, or slots and cells would not line up. */
async function checkGrid(ctx: DomainContext, input: ServiceInput): Promise<void> {
  const { slotIntervalMin } = await ctx.catalog.getSettings();
  const fields = [
    ["durationMin", input.durationMin],
    ["bufferBeforeMin", input.bufferBeforeMin],
    ["bufferAfterMin", input.bufferAfterMin],
  ] as const;
  for (const [field, value] of fields) {
    if (value % slotIntervalMin !== 0) {
      throw new DomainError(
        "BAD_REQUEST",
        `body.${field}: must be a multiple of the ${slotIntervalMin}-minute slot interval`,
      );
    }
  }
}

export async function listServices({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { includeInactive: boolean };
}): Promise<Service[]> {
  return ctx.catalog.listServices({ activeOnly: !input.includeInactive });
}

export async function getService({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<Service> {
  const service = await ctx.catalog.getService(input.id);
  if (!service) throw serviceNotFound("id");
  return service;
}

export async function createService({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: ServiceInput;
}): Promise<Service> {
  await checkGrid(ctx, input);
  return ctx.catalog.createService(newId("svc"), input, ctx.pendingAudit);
}

export async function updateService({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string; patch: Partial<ServiceInput> };
}): Promise<Service> {
  const current = await getService({ ctx, input: { id: input.id } });
  const next: ServiceInput = { ...current, ...input.patch };
  await checkGrid(ctx, next);
  const updated = await ctx.catalog.updateService(input.id, next, ctx.pendingAudit);
  if (!updated) throw serviceNotFound("id");
  return updated;
}

/**
 * Deletes a service that has no future confirmed appointments. One that has is refused with
 * 409 CONFLICT: deactivate it instead (PATCH `active: false`), which hides it from customers
 * while its appointments stay valid.
 */
export async function deleteService({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { id: string };
}): Promise<void> {
  const outcome = await ctx.catalog.deleteService(input.id, ctx.pendingAudit);
  if (outcome === "not-found") throw serviceNotFound("id");
  if (outcome === "has-future-appointments") {
    throw new DomainError(
      "CONFLICT",
      "id: the service has future appointments; deactivate it (active: false) or cancel them first",
    );
  }
}
