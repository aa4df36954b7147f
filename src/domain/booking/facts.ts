import type { DomainContext } from "../ports.ts";
import type { BookingFacts } from "./types.ts";

/** The facts of an appointment's emails and calendar file, read from the catalog. */
export async function announceFacts(
  ctx: DomainContext,
  serviceId: string,
  staffId: string,
): Promise<BookingFacts> {
  const [service, staff, settings] = await Promise.all([
    ctx.catalog.getService(serviceId),
    ctx.catalog.getStaff(staffId),
    ctx.catalog.getSettings(),
  ]);
  return {
    businessName: settings.businessName,
    serviceName: service?.name ?? "Appointment",
    staffName: staff?.name ?? "",
    priceMinor: service?.price.amountMinor ?? 0,
    currency: service?.price.currency ?? "EUR",
  };
}
