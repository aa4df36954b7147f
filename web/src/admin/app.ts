/**
 * The business app (`/admin`): email-code sign-in, then the day and week views, the appointment
 * search and an appointment's page. Calls only the public HTTP API with the business session
 * (`Authorization: Bearer ae_bs_…`); the server enforces every role (403/404), the app hides what
 * the role cannot do (roles.ts).
 */
import { type ApiFailure, call, tabClientId } from "../api.ts";
import { byId, h, notices } from "../dom.ts";
import { currentLocale, languageSwitch, startLocale } from "../i18n/index.ts";
import { explain } from "../messages.ts";
import { describeSlot } from "../shared.ts";
import { formatClock, formatDay, todayLocal, addDays, wallTime } from "../time.ts";
import { closedOn, groupByDate, hoursOn, nextHours, utcRange, viewDates } from "./days.ts";
import {
  type AdminAppointment,
  adminLiveOpener,
  type Closure,
  type LiveSlot,
  type Snapshot,
  type StaffHours,
  StreamingSource,
  type WatchQuery,
} from "./feed.ts";
import { catalogPage } from "./catalog.ts";
import { clearEffect, drawClosureEffect, drawDateEffect } from "./effects-view.ts";
import { type AdminMessages, at, ow } from "./i18n.ts";
import { keysPage } from "./keys.ts";
import type { OwnerPage, PageContext as OwnerPageContext } from "./owner-kit.ts";
import type { CatalogService, CatalogStaff, Page, PageContext } from "./page.ts";
import { showMessages } from "./messages.ts";
import { type Account, type Capabilities, capabilitiesOf } from "./roles.ts";
import { hoursPage } from "./schedules.ts";
import { authedCaller, type Caller, loadSession, type Session, saveSession } from "./session.ts";
import { settingsPage } from "./settings.ts";
import { webhooksPage } from "./webhooks.ts";

type View =
  | "day"
  | "week"
  | "search"
  | "closures"
  | "settings"
  | "accounts"
  | "hours"
  | "catalog"
  | "keys"
  | "webhooks";

/** The views that are a form or a list, not a watched range of days. */
const STILL_VIEWS: readonly View[] = [
  "search",
  "closures",
  "settings",
  "accounts",
  "hours",
  "catalog",
  "keys",
  "webhooks",
];

/** The views drawn by modules of their own, each into the `<section>` of its name. */
const PAGES: Partial<Record<View, Page>> = {
  hours: hoursPage,
  catalog: catalogPage,
  settings: settingsPage,
};

const { announce, alert } = notices();
const clientId = tabClientId();
let session: Session | undefined;
let api: Caller;
let caps: Capabilities;
let staff: CatalogStaff[] = [];
let services: CatalogService[] = [];
let view: View = "day";
let date = todayLocal();
let stopWatch: (() => void) | undefined;
let current: AdminAppointment | undefined;
let returnTo: View = "day";
let pendingEmail = "";

// ---- words -------------------------------------------------------------------------------

function applyWords(): void {
  const m = at();
  for (const el of document.querySelectorAll<HTMLElement>("[data-a]")) {
    const words = m[el.dataset.a as keyof AdminMessages];
    if (typeof words === "string") el.textContent = words;
  }
  document.title = m.title;
}

function failureText(failure: ApiFailure): string {
  if (failure.status === 403) return at().forbidden;
  return explain(failure).text;
}

// ---- sign-in -----------------------------------------------------------------------------

function showSignIn(message?: string): void {
  stopWatch?.();
  byId("app").hidden = true;
  byId("who").hidden = true;
  byId("sign-in").hidden = false;
  byId("email-form").hidden = false;
  byId("code-form").hidden = true;
  alert(message);
  byId("sign-in-title").focus();
}

byId("email-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = byId<HTMLInputElement>("email").value.trim();
  if (!email) return byId("email").focus();
  const result = await call("POST", "/v1/admin/auth/otp", { body: { email } });
  if (!result.ok) {
    alert(explain(result).text);
    return;
  }
  pendingEmail = email;
  alert(undefined);
  byId("email-form").hidden = true;
  byId("code-form").hidden = false;
  byId("code-sent").textContent = at().codeSent(email);
  byId("code").focus();
});

byId("other-email").addEventListener("click", () => {
  byId("code-form").hidden = true;
  byId("email-form").hidden = false;
  byId("email").focus();
});

byId("code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>("code");
  const code = input.value.trim();
  const result = await call<{ sessionToken: string; expiresAt: string; account: Account }>(
    "POST",
    "/v1/admin/auth/verify",
    { body: { email: pendingEmail, code } },
  );
  if (!result.ok) {
    input.setAttribute("aria-invalid", "true");
    alert(result.status === 401 || result.status === 400 ? at().wrongCode : explain(result).text);
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  input.value = "";
  const s: Session = {
    token: result.body.sessionToken,
    expiresAt: result.body.expiresAt,
    account: result.body.account,
  };
  saveSession(s);
  alert(undefined);
  await enter(s);
  // From the sign-in form (now hidden) to the day's heading, so focus is never lost.
  byId("days-title").focus();
});

byId("sign-out").addEventListener("click", async () => {
  if (session) await api("POST", "/v1/admin/auth/logout");
  endSession();
});

function endSession(message?: string): void {
  session = undefined;
  saveSession(undefined);
  showSignIn(message);
}

// ---- the signed-in shell -----------------------------------------------------------------

async function enter(s: Session): Promise<void> {
  session = s;
  api = authedCaller(s, () => endSession(at().sessionEnded));
  caps = capabilitiesOf(s.account.role);
  byId("sign-in").hidden = true;
  byId("who").hidden = false;
  byId("who-name").textContent = at().signedInAs(s.account.name, at().roles[s.account.role]);
  document.body.dataset.role = s.account.role;
  await loadCatalog();
  if (!session) return;
  byId("tab-closures").hidden = !caps.closures;
  byId("tab-catalog").hidden = !caps.catalog;
  byId("tab-accounts").hidden = !caps.accounts;
  byId("tab-settings").hidden = !caps.settings;
  for (const page of OWNER_PAGES) page.tab.hidden = !caps.integrations;
  byId("app").hidden = false;
  show("day");
}

/** The active staff and services (the day views' names and choices, the hours page). */
async function loadCatalog(): Promise<void> {
  const [staffResult, servicesResult] = await Promise.all([
    api<{ staff: CatalogStaff[] }>("GET", "/v1/admin/staff"),
    api<{ services: CatalogService[] }>("GET", "/v1/admin/services"),
  ]);
  staff = staffResult.ok ? staffResult.body.staff : [];
  services = servicesResult.ok ? servicesResult.body.services : [];
  fillStaffSelect();
}

function pageContext(): PageContext | undefined {
  if (!session) return undefined;
  return {
    api,
    account: session.account,
    caps,
    staff: () => staff,
    services: () => services,
    reloadCatalog: loadCatalog,
    alert,
    announce,
  };
}

function fillStaffSelect(): void {
  const select = byId<HTMLSelectElement>("staff");
  const own = session?.account.staffId ?? null;
  const options: HTMLOptionElement[] = [];
  if (caps.everyone) options.push(h("option", { value: "" }, at().everyone));
  for (const member of staff) {
    if (!caps.everyone && member.id !== own) continue;
    options.push(h("option", { value: member.id }, member.name));
  }
  select.replaceChildren(...options);
  // A staff account has one choice: itself; the select would only be noise.
  byId("staff-field").hidden = !caps.everyone;
}

function selectedStaff(): string | undefined {
  if (!caps.everyone) return session?.account.staffId ?? undefined;
  return byId<HTMLSelectElement>("staff").value || undefined;
}

function show(next: View, focus = false): void {
  view = next;
  for (const tab of document.querySelectorAll<HTMLButtonElement>(".tab")) {
    tab.setAttribute("aria-current", tab.dataset.view === next ? "page" : "false");
  }
  byId("detail").hidden = true;
  byId("search").hidden = next !== "search";
  byId("closures").hidden = next !== "closures";
  byId("accounts").hidden = next !== "accounts";
  for (const name of Object.keys(PAGES)) byId(name).hidden = next !== name;
  byId("days").hidden = next !== "day" && next !== "week";
  for (const page of OWNER_PAGES) page.section.hidden = next !== page.view;
  if (STILL_VIEWS.includes(next)) {
    const page = PAGES[next];
    const ctx = pageContext();
    if (page && ctx) void page.open(ctx);
    void OWNER_PAGES.find((page) => page.view === next)?.load();
    stopWatch?.();
    stopWatch = undefined;
    if (next === "closures") void loadClosures();
    if (next === "accounts") void loadAccounts();
    if (focus) byId(`${next}-title`).focus();
    return;
  }
  watchDays();
  if (focus) byId("days-title").focus();
}

// The owner's pages build their own tab and section (keys.ts, webhooks.ts) in the page's
// language, so they are placed once the words are chosen (`start`).
const ownerContext = (): OwnerPageContext => ({ api, alert, announce, failureText });
let OWNER_PAGES: OwnerPage[] = [];

function placeOwnerPages(): void {
  OWNER_PAGES = [keysPage(ownerContext), webhooksPage(ownerContext)];
  for (const page of OWNER_PAGES) {
    document.querySelector("nav.tabs")?.append(page.tab);
    byId("detail").before(page.section);
    page.tab.addEventListener("click", () => show(page.view as View, true));
  }
}

for (const tab of document.querySelectorAll<HTMLButtonElement>(".tab")) {
  tab.addEventListener("click", () => {
    const next = tab.dataset.view as View;
    if (next === "day") date = todayLocal();
    show(next, true);
  });
}

byId("staff").addEventListener("change", () => watchDays());
byId<HTMLInputElement>("day").addEventListener("change", (event) => {
  const value = (event.target as HTMLInputElement).value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    date = value;
    watchDays();
  }
});
byId("prev").addEventListener("click", () => step(-1));
byId("next").addEventListener("click", () => step(1));

function step(direction: number): void {
  date = addDays(date, direction * (view === "week" ? 7 : 1));
  watchDays();
}

// ---- day and week views ------------------------------------------------------------------

/** Every page of the range's appointments (`nextCursor` until null). */
async function loadAppointments(query: WatchQuery): Promise<AdminAppointment[]> {
  const { from, to } = utcRange(query.dates);
  const out: AdminAppointment[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ from, to, limit: "100" });
    if (query.staffId) params.set("staffId", query.staffId);
    if (cursor) params.set("cursor", cursor);
    const page = await api<{ appointments: AdminAppointment[]; nextCursor: string | null }>(
      "GET",
      `/v1/admin/appointments?${params}`,
    );
    if (!page.ok) throw new Error(failureText(page));
    out.push(...page.body.appointments);
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The next hours' live states of one staff member today, from the public availability of a
 * service they perform (the shortest grid is the first service: enough for a glance).
 */
async function loadLive(query: WatchQuery): Promise<LiveSlot[]> {
  const member = staff.find((s) => s.id === query.staffId);
  const serviceId = member?.serviceIds[0];
  const today = todayLocal();
  if (!member || !serviceId || !query.dates.includes(today)) return [];
  const params = new URLSearchParams({ serviceId, staffId: member.id, from: today, to: today });
  const result = await call<{ days: { slots: LiveSlot[] }[] }>(
    "GET",
    `/v1/availability?${params}`,
    { headers: { "X-Client-Id": clientId } },
  );
  if (!result.ok) return [];
  return nextHours(
    result.body.days.flatMap((d) => d.slots),
    Date.now(),
    4,
  );
}

/** One staff member's weekly hours and the range's overrides; undefined when unreadable. */
async function loadHours(query: WatchQuery): Promise<StaffHours | undefined> {
  if (!query.staffId) return undefined;
  const path = `/v1/admin/staff/${encodeURIComponent(query.staffId)}`;
  const range = new URLSearchParams({
    from: query.dates[0] ?? date,
    to: query.dates[query.dates.length - 1] ?? date,
  });
  const [schedule, overrides] = await Promise.all([
    api<{ weekly: StaffHours["weekly"] }>("GET", `${path}/schedule`),
    api<{ overrides: StaffHours["overrides"] }>("GET", `${path}/overrides?${range}`),
  ]);
  if (!schedule.ok || !overrides.ok) return undefined;
  return { weekly: schedule.body.weekly, overrides: overrides.body.overrides };
}

const source = new StreamingSource(
  loadRange,
  adminLiveOpener(
    () => session?.token,
    () => endSession(at().sessionEnded),
  ),
);

async function loadRange(query: WatchQuery): Promise<Snapshot> {
  const [appointments, closures, hours, live] = await Promise.all([
    loadAppointments(query),
    api<{ closures: Closure[] }>("GET", "/v1/admin/closures").then((r) =>
      r.ok ? r.body.closures : [],
    ),
    loadHours(query),
    loadLive(query),
  ]);
  return { appointments, closures, ...(hours ? { hours } : {}), live, atMs: Date.now() };
}

function watchDays(): void {
  stopWatch?.();
  const m = at();
  const dates = viewDates(date, view === "week" ? "week" : "day");
  const staffId = selectedStaff();
  byId<HTMLInputElement>("day").value = date;
  byId("days-title").textContent =
    view === "week"
      ? `${m.week}: ${formatDay(dates[0] ?? date)} – ${formatDay(dates[6] ?? date)}`
      : formatDay(date);
  byId("day-list").replaceChildren(h("p", { class: "loading" }, m.loading));
  const query: WatchQuery = { dates, ...(staffId ? { staffId } : {}) };
  stopWatch = source.watch(
    query,
    (snapshot) => drawDays(dates, staffId, snapshot),
    (message) => alert(m.failed(message), { label: m.refresh, run: () => watchDays() }),
  );
}

function staffName(id: string): string {
  return staff.find((s) => s.id === id)?.name ?? id;
}

function serviceName(id: string): string {
  return services.find((s) => s.id === id)?.name ?? id;
}

function drawDays(dates: string[], staffId: string | undefined, snapshot: Snapshot): void {
  const m = at();
  const groups = groupByDate(snapshot.appointments, dates, staffId);
  const blocks: HTMLElement[] = [];
  for (const day of dates) {
    const items = groups.get(day) ?? [];
    const block = h("section", { class: "day card", "aria-label": formatDay(day) });
    if (dates.length > 1) block.append(h("h3", {}, formatDay(day)));
    const closed = closedOn(snapshot.closures, day);
    if (closed) block.append(h("p", { class: "closed" }, m.closedDay(closed.reason)));
    else if (snapshot.hours) {
      const { intervals, override } = hoursOn(snapshot.hours.weekly, snapshot.hours.overrides, day);
      const text =
        intervals.length === 0
          ? m.dayOff
          : m.workingHours(intervals.map((i) => `${i.start}–${i.end}`).join(", "));
      block.append(
        h(
          "p",
          { class: "hours", "data-override": String(override) },
          override ? `${text} ${m.changedForDate}` : text,
        ),
      );
    }
    if (items.length === 0) block.append(h("p", { class: "muted" }, m.nothingOnDay));
    else block.append(h("ul", { class: "appt-list" }, ...items.map((a) => appointmentItem(a))));
    const now = liveOnDay(snapshot, day, staffId);
    if (now) block.append(now);
    blocks.push(block);
  }
  byId("day-list").replaceChildren(...blocks);
  const updated = byId("updated");
  updated.textContent = `${m.updatedAt(formatClock(new Date(snapshot.atMs).toISOString()))} · ${ow().via[snapshot.via ?? "poll"]}`;
  updated.dataset.via = snapshot.via ?? "poll";
  drawLive(snapshot.live);
  drawOverrideBox(dates, staffId, snapshot);
}

/**
 * What customers are viewing and holding on a date right now (the stream's cells; a booking
 * shows as its appointment instead). Undefined while polling or when nothing is going on.
 */
function liveOnDay(snapshot: Snapshot, day: string, staffId: string | undefined) {
  const entries = (snapshot.liveDays ?? [])
    .filter((d) => d.date === day && (!staffId || d.staffId === staffId))
    .flatMap((d) => d.slots.map((slot) => ({ ...slot, staffId: d.staffId })))
    .filter((e) => e.state !== "booked")
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  if (entries.length === 0) return undefined;
  const m = at();
  return h(
    "ul",
    { class: "live-list live-day", "aria-label": ow().liveOnDay(formatDay(day)) },
    ...entries.map((e) =>
      h(
        "li",
        {
          class: `live-slot state-${e.state}`,
          "data-state": e.state,
          "data-start": e.start,
          "data-staff": e.staffId,
        },
        ow().liveWho(wallTime(e.start), m.liveStates[e.state], staffId ? "" : staffName(e.staffId)),
      ),
    ),
  );
}

/** The date's own hours (an override), for one staff member on the day view. */
function drawOverrideBox(dates: string[], staffId: string | undefined, snapshot: Snapshot): void {
  const box = byId<HTMLDetailsElement>("override-box");
  box.hidden = view !== "day" || !staffId || !snapshot.hours;
  if (box.hidden || !snapshot.hours || !staffId) return;
  const day = dates[0] ?? date;
  const override = snapshot.hours.overrides.find((o) => o.date === day);
  byId("override-reset").hidden = !override;
  dateSource = { date: day, staffId, snapshot, staff, services };
  // Redrawn on every poll: the form keeps what the person is typing while it is open.
  if (box.open) return void drawDateEffect(dateSource);
  const { intervals } = hoursOn(snapshot.hours.weekly, snapshot.hours.overrides, day);
  const off = byId<HTMLInputElement>("override-off");
  off.checked = intervals.length === 0;
  byId<HTMLInputElement>("override-start").value = intervals[0]?.start ?? "";
  byId<HTMLInputElement>("override-end").value = intervals[intervals.length - 1]?.end ?? "";
  byId<HTMLInputElement>("override-note").value = override?.note ?? "";
  byId("override-times").hidden = off.checked;
  clearEffect("override-effect");
}

/** The day view's date and data, for the effect of the date's new hours before saving. */
let dateSource: Parameters<typeof drawDateEffect>[0] | undefined;

byId<HTMLInputElement>("override-off").addEventListener("change", (event) => {
  byId("override-times").hidden = (event.target as HTMLInputElement).checked;
});
for (const id of ["override-box", "override-off", "override-start", "override-end"]) {
  byId(id).addEventListener(id === "override-box" ? "toggle" : "input", () => {
    if (dateSource) void drawDateEffect(dateSource);
  });
}

function overridePath(): string | undefined {
  const staffId = selectedStaff();
  if (!staffId) return undefined;
  return `/v1/admin/staff/${encodeURIComponent(staffId)}/overrides/${date}`;
}

byId("override-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  const path = overridePath();
  if (!path) return;
  const off = byId<HTMLInputElement>("override-off").checked;
  const start = byId<HTMLInputElement>("override-start").value;
  const end = byId<HTMLInputElement>("override-end").value;
  if (!off && (!start || !end)) {
    fieldError("override-start", m.hoursNeeded);
    return byId("override-start").focus();
  }
  fieldError("override-start", "");
  const note = byId<HTMLInputElement>("override-note").value.trim();
  const result = await api("PUT", path, { intervals: off ? [] : [{ start, end }], note });
  if (!result.ok) {
    if (result.status === 400) {
      fieldError("override-start", result.message);
      return byId("override-start").focus();
    }
    return alert(failureText(result));
  }
  alert(undefined);
  byId<HTMLDetailsElement>("override-box").open = false;
  clearEffect("override-effect");
  announce(m.hoursSaved);
  watchDays();
});

byId("override-reset").addEventListener("click", async () => {
  const path = overridePath();
  if (!path) return;
  const result = await api("DELETE", path);
  if (!result.ok) return alert(failureText(result));
  byId<HTMLDetailsElement>("override-box").open = false;
  announce(at().hoursSaved);
  watchDays();
});

function drawLive(slots: LiveSlot[]): void {
  const m = at();
  const box = byId("live");
  box.hidden = view !== "day" || selectedStaff() === undefined || date !== todayLocal();
  if (box.hidden) return;
  byId("live-list").replaceChildren(
    ...(slots.length === 0
      ? [h("li", { class: "muted" }, m.liveNone)]
      : slots.map((s) =>
          h(
            "li",
            { class: `live-slot state-${s.state}`, "data-state": s.state },
            h("span", { class: "live-time" }, wallTime(s.start)),
            ` ${m.liveStates[s.state]}`,
          ),
        )),
  );
}

function appointmentItem(a: AdminAppointment): HTMLElement {
  const m = at();
  const label = `${wallTime(a.start)}–${wallTime(a.end)}`;
  const button = h(
    "button",
    { type: "button", class: "appt", "data-id": a.id, "data-status": a.status },
    h("span", { class: "appt-time" }, label),
    h("span", { class: "appt-who" }, a.customer.name),
    h("span", { class: "appt-what" }, `${serviceName(a.serviceId)} · ${staffName(a.staffId)}`),
    h("span", { class: `badge status-${a.status}` }, m.statuses[a.status]),
  );
  button.addEventListener("click", () => void openAppointment(a.id));
  return h("li", {}, button);
}

// ---- search ------------------------------------------------------------------------------

byId("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  const email = byId<HTMLInputElement>("search-email").value.trim();
  const name = byId<HTMLInputElement>("search-name").value.trim();
  const day = byId<HTMLInputElement>("search-date").value;
  const params = new URLSearchParams({ limit: "100" });
  if (email) params.set("customerEmail", email);
  if (name) params.set("customerName", name);
  if (day) {
    const range = utcRange([day]);
    params.set("from", range.from);
    params.set("to", range.to);
  }
  const staffId = selectedStaff();
  if (staffId && !caps.everyone) params.set("staffId", staffId);
  const result = await api<{ appointments: AdminAppointment[] }>(
    "GET",
    `/v1/admin/appointments?${params}`,
  );
  if (!result.ok) {
    alert(failureText(result));
    return;
  }
  alert(undefined);
  const found = day
    ? result.body.appointments.filter((a) => a.start.slice(0, 10) === day)
    : result.body.appointments;
  byId("search-count").textContent = found.length ? m.results(found.length) : m.noResults;
  announce(found.length ? m.results(found.length) : m.noResults);
  byId("search-results").replaceChildren(...found.map((a) => appointmentItem(a)));
});

// ---- closures ---------------------------------------------------------------------------

async function loadClosures(): Promise<void> {
  const m = at();
  const result = await api<{ closures: Closure[] }>("GET", "/v1/admin/closures");
  if (!result.ok) return alert(failureText(result));
  const today = todayLocal();
  const upcoming = result.body.closures.filter((c) => c.endDate >= today);
  byId("closure-list").replaceChildren(
    ...(upcoming.length === 0
      ? [h("li", { class: "muted" }, m.noClosures)]
      : upcoming.map((c) => {
          const range = m.closureRange(formatDay(c.startDate), formatDay(c.endDate));
          const remove = h(
            "button",
            { type: "button", class: "secondary small", "aria-label": m.deleteClosure(range) },
            "×",
          );
          remove.addEventListener("click", () => void deleteClosure(c.id));
          return h(
            "li",
            { class: "closure", "data-id": c.id },
            h("span", {}, c.reason ? `${range}: ${c.reason}` : range),
            remove,
          );
        })),
  );
}

function fieldError(id: string, text: string): void {
  const input = byId<HTMLInputElement>(id);
  byId(input.getAttribute("aria-describedby") ?? `${id}-error`).textContent = text;
  if (text) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

byId("closure-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  const startDate = byId<HTMLInputElement>("closure-start").value;
  const endDate = byId<HTMLInputElement>("closure-end").value || startDate;
  fieldError("closure-start", startDate ? "" : m.required);
  fieldError("closure-end", "");
  byId("closure-note").textContent = "";
  if (!startDate) return byId("closure-start").focus();
  const reason = byId<HTMLInputElement>("closure-reason").value.trim();
  const result = await api<Closure & { confirmedAppointments: unknown[] }>(
    "POST",
    "/v1/admin/closures",
    { startDate, endDate, reason },
  );
  if (!result.ok) {
    // The API names the field it refuses (`body.endDate`): show it at that field.
    const field = /endDate/.test(result.message) ? "closure-end" : "closure-start";
    if (result.status === 400) {
      fieldError(field, result.message);
      return byId(field).focus();
    }
    return alert(failureText(result));
  }
  alert(undefined);
  for (const id of ["closure-start", "closure-end", "closure-reason"]) {
    byId<HTMLInputElement>(id).value = "";
  }
  clearEffect("closure-effect");
  const note = m.closureAdded(result.body.confirmedAppointments.length);
  byId("closure-note").textContent = note;
  announce(note);
  byId("closure-list").dataset.added = result.body.id;
  await loadClosures();
});

for (const id of ["closure-start", "closure-end"]) {
  byId(id).addEventListener("change", () => void drawClosureEffect(api));
}

async function deleteClosure(id: string): Promise<void> {
  const result = await api("DELETE", `/v1/admin/closures/${encodeURIComponent(id)}`);
  if (!result.ok) return alert(failureText(result));
  announce(at().closureDeleted);
  await loadClosures();
  byId("closures-title").focus();
}

// ---- accounts (owner) --------------------------------------------------------------------

interface ListedAccount extends Account {
  deactivatedAt: string | null;
}

function fillAccountStaff(): void {
  byId<HTMLSelectElement>("account-staff").replaceChildren(
    ...staff.map((member) => h("option", { value: member.id }, member.name)),
  );
}

byId<HTMLSelectElement>("account-role").addEventListener("change", (event) => {
  byId("account-staff-field").hidden = (event.target as HTMLSelectElement).value !== "staff";
});

async function loadAccounts(): Promise<void> {
  const m = at();
  fillAccountStaff();
  const result = await api<{ accounts: ListedAccount[] }>("GET", "/v1/admin/accounts");
  if (!result.ok) return alert(failureText(result));
  byId("account-list").replaceChildren(
    ...result.body.accounts.map((account) => {
      const role = m.roles[account.role];
      const what = account.staffId ? `${role} · ${staffName(account.staffId)}` : role;
      const item = h(
        "li",
        { class: "closure", "data-id": account.id, "data-active": String(!account.deactivatedAt) },
        h("span", {}, `${account.name} <${account.email}>, ${what}`),
      );
      if (account.deactivatedAt) item.append(h("span", { class: "badge" }, m.deactivated));
      else if (account.id !== session?.account.id) {
        const off = h(
          "button",
          { type: "button", class: "secondary small", "aria-label": m.deactivate(account.name) },
          "×",
        );
        off.addEventListener("click", async () => {
          const done = await api("DELETE", `/v1/admin/accounts/${encodeURIComponent(account.id)}`);
          if (!done.ok) return alert(failureText(done));
          announce(m.deactivatedAccount(account.name));
          await loadAccounts();
          byId("accounts-title").focus();
        });
        item.append(off);
      }
      return item;
    }),
  );
}

byId("account-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  const name = byId<HTMLInputElement>("account-name").value.trim();
  const email = byId<HTMLInputElement>("account-email").value.trim();
  const role = byId<HTMLSelectElement>("account-role").value;
  fieldError("account-name", "");
  fieldError("account-email", "");
  const body: Record<string, unknown> = { name, email, role };
  if (role === "staff") body.staffId = byId<HTMLSelectElement>("account-staff").value;
  const result = await api<ListedAccount>("POST", "/v1/admin/accounts", body);
  if (!result.ok) {
    // The API names the refused field (`body.email`, `body.name`): the message goes beside it.
    const field =
      /email/.test(result.message) || result.code === "CONFLICT" ? "account-email" : "account-name";
    if (result.status === 400 || result.status === 409) {
      fieldError(field, result.message);
      return byId(field).focus();
    }
    return alert(failureText(result));
  }
  alert(undefined);
  byId<HTMLInputElement>("account-name").value = "";
  byId<HTMLInputElement>("account-email").value = "";
  announce(m.accountAdded(result.body.email));
  await loadAccounts();
});

// ---- one appointment ---------------------------------------------------------------------

async function openAppointment(id: string): Promise<void> {
  const result = await api<AdminAppointment>(
    "GET",
    `/v1/admin/appointments/${encodeURIComponent(id)}`,
  );
  if (!result.ok) {
    alert(failureText(result));
    return;
  }
  alert(undefined);
  returnTo = view;
  stopWatch?.();
  stopWatch = undefined;
  current = result.body;
  byId("days").hidden = true;
  byId("search").hidden = true;
  byId("detail").hidden = false;
  drawDetail();
  byId("detail-title").focus();
}

function drawDetail(): void {
  const a = current;
  if (!a) return;
  const m = at();
  const rows: [string, string][] = [
    [m.rowStatus, m.statuses[a.status]],
    [m.rowWhen, describeSlot(a.start)],
    [m.rowService, serviceName(a.serviceId)],
    [m.rowStaff, staffName(a.staffId)],
    [m.rowCustomer, a.customer.name],
    [m.rowEmail, a.customer.email],
  ];
  if (a.customer.phone) rows.push([m.rowPhone, a.customer.phone]);
  if (a.notes) rows.push([m.rowNotes, a.notes]);
  const facts = byId("detail-facts");
  facts.replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  facts.dataset.status = a.status;
  const answers = a.answers ?? [];
  byId("detail-answers").replaceChildren(
    answers.length === 0
      ? h("p", { class: "muted" }, m.noAnswers)
      : h(
          "dl",
          { class: "facts" },
          ...answers.flatMap((x) => [h("dt", {}, localized(x.label)), h("dd", {}, answerText(x))]),
        ),
  );
  const actions: HTMLButtonElement[] = [];
  const started = Date.parse(a.start) <= Date.now();
  if (caps.attendance && started && a.status === "confirmed") {
    actions.push(actionButton(m.markAttended, "mark-attended", () => mark("attended")));
    actions.push(actionButton(m.markNoShow, "mark-no-show", () => mark("no_show"), "secondary"));
  }
  if (caps.attendance && (a.status === "attended" || a.status === "no_show")) {
    actions.push(actionButton(m.undoMark, "mark-undo", () => mark("confirmed"), "secondary"));
  }
  if (a.status === "confirmed" && !started) {
    if (caps.reschedule) actions.push(actionButton(m.reschedule, "move", openMove, "secondary"));
    if (caps.cancel) actions.push(actionButton(m.cancel, "cancel", askCancel, "danger"));
  }
  byId("detail-actions").replaceChildren(...actions);
  void showMessages(api, a.id);
  byId("confirm-cancel").hidden = true;
  byId("move-form").hidden = true;
  byId("move-times").replaceChildren();
}

function localized(words: Record<string, string>): string {
  return words[currentLocale()] ?? words.en ?? Object.values(words)[0] ?? "";
}

/** An answer as it was given: a choice by its offered label, yes/no in words. */
function answerText(answer: AdminAppointment["answers"][number]): string {
  if (answer.options?.length) return answer.options.map((o) => localized(o.label)).join(", ");
  if (typeof answer.value === "boolean") return answer.value ? at().yes : at().no;
  if (Array.isArray(answer.value)) return answer.value.join(", ");
  if (answer.value === null || answer.value === undefined) return "";
  return String(answer.value);
}

function actionButton(label: string, id: string, run: () => void, kind = ""): HTMLButtonElement {
  const button = h("button", { type: "button", id, ...(kind ? { class: kind } : {}) }, label);
  button.addEventListener("click", run);
  return button;
}

async function mark(status: "attended" | "no_show" | "confirmed"): Promise<void> {
  if (!current) return;
  const result = await api<AdminAppointment>(
    "POST",
    `/v1/admin/appointments/${encodeURIComponent(current.id)}/attendance`,
    { status },
  );
  if (!result.ok) return alert(failureText(result));
  current = result.body;
  drawDetail();
  alert(undefined);
  announce(at().marked(at().statuses[current.status]));
  byId("detail-title").focus();
}

function askCancel(): void {
  byId("confirm-cancel").hidden = false;
  byId("cancel-yes").focus();
}

byId("cancel-no").addEventListener("click", () => {
  byId("confirm-cancel").hidden = true;
  document.getElementById("cancel")?.focus();
});

byId("cancel-yes").addEventListener("click", async () => {
  if (!current) return;
  const result = await api<AdminAppointment>(
    "POST",
    `/v1/admin/appointments/${encodeURIComponent(current.id)}/cancel`,
  );
  if (!result.ok) return alert(failureText(result));
  current = result.body;
  drawDetail();
  announce(at().cancelled);
  byId("detail-title").focus();
});

function openMove(): void {
  if (!current) return;
  byId("move-form").hidden = false;
  const input = byId<HTMLInputElement>("move-date");
  input.value = current.start.slice(0, 10);
  input.focus();
}

byId("move-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const a = current;
  const day = byId<HTMLInputElement>("move-date").value;
  if (!a || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
  const m = at();
  const params = new URLSearchParams({
    serviceId: a.serviceId,
    staffId: a.staffId,
    from: day,
    to: day,
  });
  const result = await call<{ days: { slots: LiveSlot[] }[] }>(
    "GET",
    `/v1/availability?${params}`,
    { headers: { "X-Client-Id": clientId } },
  );
  if (!result.ok) return alert(explain(result).text);
  const free = result.body.days.flatMap((d) => d.slots).filter((s) => s.state === "available");
  byId("move-times").replaceChildren(
    ...(free.length === 0
      ? [h("li", { class: "muted" }, m.noTimes)]
      : free.map((slot) => {
          const button = h(
            "button",
            {
              type: "button",
              class: "secondary",
              "data-start": slot.start,
              "aria-label": m.moveTo(wallTime(slot.start)),
            },
            wallTime(slot.start),
          );
          button.addEventListener("click", () => void moveTo(slot));
          return h("li", {}, button);
        })),
  );
  if (free.length === 0) announce(m.noTimes);
  else byId("move-times").querySelector("button")?.focus();
});

/**
 * Holds the chosen time first (so no customer takes it while the move is sent), then sends the
 * admin reschedule with that hold: the move books it, so customers' pages see the time taken at
 * once. A refused move releases the hold.
 */
async function moveTo(slot: LiveSlot): Promise<void> {
  const a = current;
  if (!a) return;
  const held = await call<{ holdId: string; holdToken: string }>("POST", "/v1/holds", {
    body: { clientId, serviceId: a.serviceId, staffId: slot.staffId, start: slot.start },
    headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  if (!held.ok) return alert(explain(held).text);
  const moved = await api<{ appointment: AdminAppointment }>(
    "POST",
    `/v1/admin/appointments/${encodeURIComponent(a.id)}/reschedule`,
    {
      start: slot.start,
      staffId: slot.staffId,
      holdId: held.body.holdId,
      holdToken: held.body.holdToken,
    },
  );
  if (!moved.ok) {
    void call("DELETE", `/v1/holds/${encodeURIComponent(held.body.holdId)}`, {
      headers: { "X-Hold-Token": held.body.holdToken },
    });
    return alert(failureText(moved));
  }
  current = moved.body.appointment;
  drawDetail();
  alert(undefined);
  announce(`${at().moved} ${describeSlot(current.start)}`);
  byId("detail-title").focus();
}

byId("detail-back").addEventListener("click", () => {
  current = undefined;
  show(returnTo, true);
});

// ---- start -------------------------------------------------------------------------------

async function start(): Promise<void> {
  await startLocale();
  applyWords();
  placeOwnerPages();
  byId("top").append(languageSwitch().element);
  const kept = loadSession();
  if (kept) await enter(kept);
  else showSignIn();
}

void start();
