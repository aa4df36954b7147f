/**
 * The effect before saving, drawn under the day view's "Change the hours of this date" form and
 * under the closure form (effects.ts counts it). Each preview is a polite live region: it speaks
 * its new text once the person stops changing a field.
 */
import { call } from "../api.ts";
import { byId, h } from "../dom.ts";
import { formatDay, wallTime } from "../time.ts";
import { closedOn, hoursOn, utcRange } from "./days.ts";
import { closureEffect, dateEffect, dayAppointments, draftIntervals } from "./effects.ts";
import type { AdminAppointment, Snapshot } from "./feed.ts";
import { zonedInstant } from "./hours.ts";
import { at, ew } from "./i18n.ts";
import type { CatalogService, CatalogStaff } from "./page.ts";
import type { Caller } from "./session.ts";

interface Business {
  timeZone: string;
  slotIntervalMin: number;
  minNoticeMin: number;
  horizonDays: number;
}

/** The public business facts (grid, notice, horizon, zone): every role may read them. */
let business: Promise<Business | undefined> | undefined;
function businessFacts(): Promise<Business | undefined> {
  business ??= call<Business>("GET", "/v1/business").then((r) => {
    if (r.ok) return r.body;
    business = undefined;
    return undefined;
  });
  return business;
}

export interface DateEffectSource {
  date: string;
  staffId: string;
  snapshot: Snapshot;
  staff: readonly CatalogStaff[];
  services: readonly CatalogService[];
}

/** Draws the effect of the date form's current values into `#override-effect`. */
export async function drawDateEffect(src: DateEffectSource): Promise<void> {
  const box = byId("override-effect");
  const facts = await businessFacts();
  const hours = src.snapshot.hours;
  const member = src.staff.find((s) => s.id === src.staffId);
  const service = src.services.find((s) => s.id === member?.serviceIds[0]);
  const after = draftIntervals(
    byId<HTMLInputElement>("override-off").checked,
    byId<HTMLInputElement>("override-start").value,
    byId<HTMLInputElement>("override-end").value,
    facts?.slotIntervalMin ?? 5,
  );
  // A staff member with no service has no bookable time to count: no preview.
  if (!facts || !hours || !member || !service || after === undefined) {
    return void box.replaceChildren();
  }
  const w = ew();
  const zone = member.timeZone ?? facts.timeZone;
  const buffers = (id: string) => {
    const of = src.services.find((s) => s.id === id);
    return { bufferBeforeMin: of?.bufferBeforeMin ?? 0, bufferAfterMin: of?.bufferAfterMin ?? 0 };
  };
  const appointments = dayAppointments(src.snapshot.appointments, src.staffId, src.date, buffers);
  const nowMs = Date.now();
  const effect = dateEffect({
    date: src.date,
    before: hoursOn(hours.weekly, hours.overrides, src.date).intervals,
    after,
    closures: src.snapshot.closures,
    appointments,
    service,
    gridMin: facts.slotIntervalMin,
    earliestMs: nowMs + facts.minNoticeMin * 60_000,
    horizonEndMs: nowMs + facts.horizonDays * 86_400_000,
    instantOf: (date, minute) => zonedInstant(date, minute, zone),
  });
  const lines: HTMLElement[] = [h("strong", {}, w.dateEffectTitle(formatDay(src.date)))];
  const closed = closedOn(src.snapshot.closures, src.date);
  if (closed) lines.push(h("p", {}, at().closedDay(closed.reason)));
  else {
    lines.push(
      h(
        "p",
        {
          id: "override-effect-slots",
          class: effect.after < effect.before ? "preview-less" : "preview-count",
        },
        w.bookableOf(service.name, effect.before, effect.after),
      ),
    );
  }
  const outside = appointments.filter((a) => effect.outside.includes(a.id));
  if (outside.length > 0) {
    lines.push(
      h("p", {}, w.outsideKept),
      h(
        "ul",
        { class: "effect-list" },
        ...outside.map((a) =>
          h(
            "li",
            { class: "preview-outside", "data-id": a.id },
            `${wallTime(a.start)} ${a.customer.name}`,
          ),
        ),
      ),
    );
  }
  box.replaceChildren(...lines);
}

let closureAsked = 0;

/** Draws the effect of the closure form's dates into `#closure-effect`. */
export async function drawClosureEffect(api: Caller): Promise<void> {
  const box = byId("closure-effect");
  const asked = ++closureAsked;
  const startDate = byId<HTMLInputElement>("closure-start").value;
  const endDate = byId<HTMLInputElement>("closure-end").value || startDate;
  const facts = await businessFacts();
  const ok = /^\d{4}-\d{2}-\d{2}$/;
  if (!ok.test(startDate) || !ok.test(endDate) || endDate < startDate) {
    return void box.replaceChildren();
  }
  const w = ew();
  const found = await confirmedIn(api, startDate, endDate);
  if (asked !== closureAsked) return;
  const zone = facts?.timeZone ?? "UTC";
  const effect =
    facts && found
      ? closureEffect(found, startDate, endDate, (d) => zonedInstant(d, 0, zone))
      : undefined;
  // Unreadable: no effect is shown, and saving still works.
  if (!effect) return void box.replaceChildren();
  const count = effect.count;
  const items = effect.shown.map((a) =>
    h(
      "li",
      { "data-id": a.id },
      `${formatDay(a.start.slice(0, 10))}, ${wallTime(a.start)} ${a.customer.name}`,
    ),
  );
  if (count > effect.shown.length) {
    items.push(h("li", { class: "muted" }, w.andMore(count - effect.shown.length)));
  }
  box.replaceChildren(
    h("p", {}, h("strong", {}, w.nobodyBooks)),
    h("p", { id: "closure-effect-count" }, w.closureKeeps(count)),
    ...(items.length ? [h("ul", { class: "effect-list" }, ...items)] : []),
  );
}

/**
 * The confirmed appointments around the dates (UTC days): one page of up to 100, enough for the
 * dates a business closes; a busier range shows the first page's count.
 */
async function confirmedIn(
  api: Caller,
  startDate: string,
  endDate: string,
): Promise<AdminAppointment[] | undefined> {
  const range = utcRange([startDate, endDate]);
  const params = new URLSearchParams({ ...range, status: "confirmed", limit: "100" });
  const page = await api<{ appointments: AdminAppointment[] }>(
    "GET",
    `/v1/admin/appointments?${params}`,
  );
  return page.ok ? page.body.appointments : undefined;
}

/** Empties a preview (after saving, or when the form is reset); a closure answer on its way is dropped. */
export function clearEffect(id: "override-effect" | "closure-effect"): void {
  closureAsked++;
  byId(id).replaceChildren();
}
