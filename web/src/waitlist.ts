/**
 * The waitlist page (`/waitlist`), which the waitlist emails link to:
 * - `?id&action=book&hold&htoken&token[&svc&start&until]`: the offer. The time is already held
 *   for the entry (ADR 0315); the page shows it (service, staff member, time, how long it is kept)
 *   and books it in one step with `POST /v1/waitlist/{id}/book`, for the entry's own name and
 *   email. `svc`, `start` and `until` are display facts only: the booking checks the hold.
 * - `?id&action=leave&token`: leaving the list, after a confirm step (`DELETE /v1/waitlist/{id}`).
 */
import { type Appointment, call, type PublicService, type PublicStaff } from "./api.ts";
import { byId, h, notices } from "./dom.ts";
import { languageSwitch, startLocale, t } from "./i18n/index.ts";
import { explain } from "./messages.ts";
import { calendarLink, describeSlot } from "./shared.ts";
import { formatCountdown } from "./time.ts";

const { announce, alert } = notices();
const params = new URLSearchParams(location.search);
const id = params.get("id") ?? "";
const token = params.get("token") ?? "";
const action = params.get("action");
const holdId = params.get("hold") ?? "";
const holdToken = params.get("htoken") ?? "";
const serviceId = params.get("svc") ?? "";
const start = params.get("start") ?? "";
const untilMs = Date.parse(params.get("until") ?? "");
const bookButton = byId<HTMLButtonElement>("book-offer");
let busy = false;
let timer: ReturnType<typeof setInterval> | undefined;
let service: PublicService | undefined;
let staff: PublicStaff[] = [];

/** The staff member a hold id names (`hld_<key>_<staffId>`). */
function staffOfHold(): string | undefined {
  return /^hld_[0-9a-z]{16}_(.+)$/.exec(holdId)?.[1];
}

const staffName = (staffId: string | undefined) =>
  staff.find((s) => s.id === staffId)?.name ?? t().ourTeam;

/** Ends the page on one outcome: a title, a sentence, and the way back to the booking page. */
function outcome(title: string, text = ""): void {
  clearInterval(timer);
  byId("offer").hidden = true;
  byId("leave").hidden = true;
  byId("outcome-title").textContent = title;
  byId("outcome-text").textContent = text;
  byId("outcome").hidden = false;
  byId("outcome-title").focus();
  announce(`${title} ${text}`.trim());
}

async function showOffer(): Promise<void> {
  if (!id || !token || !holdId || !holdToken) return outcome(t().linkIncomplete);
  if (serviceId) {
    const [services, team] = await Promise.all([
      call<{ services: PublicService[] }>("GET", "/v1/services"),
      call<{ staff: PublicStaff[] }>("GET", `/v1/staff?serviceId=${encodeURIComponent(serviceId)}`),
    ]);
    if (services.ok) service = services.body.services.find((s) => s.id === serviceId);
    if (team.ok) staff = team.body.staff;
  }
  const m = t();
  const rows: [string, string][] = [];
  if (service) rows.push([m.serviceRow, service.name]);
  if (staff.length) rows.push([m.withRow, staffName(staffOfHold())]);
  if (start && !Number.isNaN(Date.parse(start))) rows.push([m.whenRow, describeSlot(start)]);
  byId("offer-facts").replaceChildren(
    ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
  byId("offer-facts").hidden = rows.length === 0;
  // Shown once its facts are in: never an offer without what it is.
  byId("offer").hidden = false;
  if (Number.isFinite(untilMs)) {
    tick();
    timer = setInterval(tick, 1000);
  }
  byId("offer-title").focus();
}

/** The offer's countdown; at zero the time is no longer kept, but may still be free to book. */
function tick(): void {
  const left = untilMs - Date.now();
  if (left > 0) {
    byId("countdown").textContent = formatCountdown(left);
    byId("offer-hold").hidden = false;
    return;
  }
  clearInterval(timer);
  byId("offer-hold").hidden = true;
  byId("offer-note").textContent = t().offerLapsed;
  byId("offer-note").hidden = false;
  announce(t().offerLapsed);
}

bookButton.addEventListener("click", () => void book());

async function book(): Promise<void> {
  // Set before anything awaits: a double click sends one request (and a second would only
  // answer the same booking: the API derives the booking's key from the hold).
  if (busy) return;
  busy = true;
  bookButton.disabled = true;
  bookButton.textContent = t().booking;
  const result = await call<{ appointment: Appointment; manageToken: string }>(
    "POST",
    `/v1/waitlist/${encodeURIComponent(id)}/book`,
    { body: { token, holdId, holdToken } },
  );
  busy = false;
  bookButton.disabled = false;
  bookButton.textContent = t().bookOffer;
  if (result.ok) return booked(result.body.appointment, result.body.manageToken);
  switch (result.code) {
    case "HOLD_EXPIRED":
    case "SLOT_UNAVAILABLE":
    case "SLOT_HELD":
      return outcome(t().offerTaken);
    case "NOT_FOUND":
    case "CONFLICT":
      return outcome(t().offerInvalid);
    case "BAD_REQUEST":
      if (result.message.startsWith("body.answers")) {
        if (serviceId)
          byId<HTMLAnchorElement>("to-booking").href =
            `/?${new URLSearchParams({ serviceId, ...(start ? { date: start.slice(0, 10) } : {}) })}`;
        return outcome(t().offerNeedsAnswers);
      }
      return outcome(t().offerInvalid);
  }
  const { text, retry } = explain(result);
  alert(text, retry ? { label: retry, run: () => void book() } : undefined);
}

function booked(appointment: Appointment, manageToken: string): void {
  alert(undefined);
  outcome(
    t().doneTitle,
    t().bookedSummary(
      service?.name ?? t().yourAppointment,
      staffName(appointment.staffId),
      describeSlot(appointment.start),
      appointment.customer.email,
    ),
  );
  byId("outcome").dataset.appointment = appointment.id;
  const manage = `/manage?${new URLSearchParams({ id: appointment.id, token: manageToken })}`;
  const link = byId<HTMLAnchorElement>("manage-link");
  link.href = manage;
  link.textContent = `${location.origin}${manage}`;
  byId("outcome-manage").hidden = false;
  void calendarLink(appointment.id, manageToken);
}

function showLeave(): void {
  if (!id || !token) {
    outcome(t().linkIncomplete);
    return;
  }
  byId("leave").hidden = false;
  byId("leave-title").focus();
}

byId("leave-yes").addEventListener("click", async () => {
  if (busy) return;
  busy = true;
  const button = byId<HTMLButtonElement>("leave-yes");
  button.disabled = true;
  const result = await call(
    "DELETE",
    `/v1/waitlist/${encodeURIComponent(id)}?${new URLSearchParams({ token })}`,
  );
  busy = false;
  button.disabled = false;
  if (result.ok) return outcome(t().leaveTitle, t().leftDone);
  if (result.code === "CONFLICT") return outcome(t().leaveTitle, t().leaveEnded);
  if (result.code === "NOT_FOUND" || result.code === "BAD_REQUEST")
    return outcome(t().leaveTitle, t().offerInvalid);
  const { text, retry } = explain(result);
  alert(text, retry ? { label: retry, run: () => button.click() } : undefined);
});

async function begin(): Promise<void> {
  await startLocale();
  byId("top").append(languageSwitch().element);
  if (action === "leave") showLeave();
  else if (action === "book") await showOffer();
  else outcome(t().linkIncomplete);
}

void begin();
