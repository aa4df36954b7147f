/**
 * The booking page (`/`): service and staff member, a month of dates with free times, the day's
 * times with live states, a hold with its countdown, the details form, and the confirmation.
 * A chosen time can repeat (a series, series.ts: held and booked all or nothing), and a date with
 * no free time offers its waitlist (notify.ts).
 * Deep links: `/?serviceId=…&staffId=…&date=YYYY-MM-DD` open straight at that date's times.
 */
import {
  type Appointment,
  call,
  type Hold,
  type PublicService,
  type PublicStaff,
  randomId,
  tabClientId,
} from "./api.ts";
import { byId, h, notices } from "./dom.ts";
import { currentLocale, languageSwitch, type Messages, startLocale, t } from "./i18n/index.ts";
import { explain, fieldOf, stripField } from "./messages.ts";
import { NotifyForm } from "./notify.ts";
import { type PickedSlot, TimePicker } from "./picker.ts";
import {
  clearAnswerErrors,
  collectAnswers,
  renderQuestions,
  showAnswerError,
} from "./questions.ts";
import {
  chosenStarts,
  fillRepeatChoices,
  renderOccurrences,
  type SeriesAnswer,
  seriesHoldBody,
} from "./series.ts";
import { calendarLink, describeSlot, priceText } from "./shared.ts";
import { formatCountdown, formatDay } from "./time.ts";

const clientId = tabClientId();
const { announce, alert } = notices();
const params = new URLSearchParams(location.search);
const serviceSelect = byId<HTMLSelectElement>("service");
const staffSelect = byId<HTMLSelectElement>("staff");
const continueBar = byId("continue-bar");
const continueButton = byId<HTMLButtonElement>("continue");
const details = byId("details");
const form = byId<HTMLFormElement>("form");
const bookButton = byId<HTMLButtonElement>("book");
const extendButton = byId<HTMLButtonElement>("extend");
const countdown = byId("countdown");
const repeatBox = byId<HTMLInputElement>("repeat");
const everySelect = byId<HTMLSelectElement>("every");
const countSelect = byId<HTMLSelectElement>("count");
const seriesSection = byId("series");
const occurrenceList = byId("occurrences");
const holdSeriesButton = byId<HTMLButtonElement>("hold-series");

let services: PublicService[] = [];
let staff: PublicStaff[] = [];
/** Server clock minus this clock, from the heartbeat, so the countdown matches the server. */
let skewMs = 0;
let hold: (Hold & { slot: PickedSlot }) | undefined;
let holdTimer: ReturnType<typeof setInterval> | undefined;
let announced = new Set<number>();
let booking = false;
/** One key per booking attempt: kept across retries of the same body, so a retry cannot book twice. */
let attempt: { key: string; body: string } | undefined;

/** Made once the language is chosen (start), since it draws words. */
let picker!: TimePicker;
let language!: ReturnType<typeof languageSwitch>;
let notify!: NotifyForm;
/** The series being chosen (the occurrences the API found for the chosen time). */
let series: SeriesAnswer | undefined;
/** The full date whose waitlist the page offers. */
let fullDate: string | undefined;

const currentService = () => services.find((s) => s.id === serviceSelect.value);
const staffName = (id: string) => staff.find((s) => s.id === id)?.name ?? t().ourTeam;

function showChoice(slot: PickedSlot | null): void {
  continueBar.hidden = slot === null || hold !== undefined || series !== undefined;
  if (!slot) return;
  const text = t().slotWith(describeSlot(slot.start), staffName(slot.staffId));
  byId("choice").textContent = t().chosen(text);
  // "Anyone" was resolved to whoever is free at the chosen time: the series is with them.
  byId("repeat-with").textContent = t().repeatWith(staffName(slot.staffId));
  continueButton.textContent = repeatBox.checked ? t().checkDates : t().continue;
  announce(t().chosenAnnounce(text));
}

repeatBox.addEventListener("change", () => {
  byId("repeat-options").hidden = !repeatBox.checked;
  continueButton.textContent = repeatBox.checked ? t().checkDates : t().continue;
});

/** The picker found a date with no free time (or, with null, one with free time). */
function offerWaitlist(date: string | null): void {
  fullDate = date ?? undefined;
  const bar = byId("notify-offer");
  bar.hidden = date === null || hold !== undefined;
  if (date) byId("notify-day").textContent = t().dayFull(formatDay(date));
  if (date === null) notify.close();
}

byId("notify-open").addEventListener("click", () => {
  const service = currentService();
  if (!service || !fullDate) return;
  byId("notify-offer").hidden = true;
  notify.open({ serviceId: service.id, staffId: staffSelect.value || null, date: fullDate });
});

async function loadServices(): Promise<void> {
  const result = await call<{ services: PublicService[] }>("GET", "/v1/services");
  if (!result.ok) {
    const { text } = explain(result);
    serviceSelect.replaceChildren(h("option", { value: "" }, t().servicesFailed));
    alert(text, { label: t().loadAgain, run: () => void loadServices() });
    return;
  }
  services = result.body.services;
  if (services.length === 0) {
    serviceSelect.replaceChildren(h("option", { value: "" }, t().noServices));
    return;
  }
  serviceSelect.replaceChildren(
    ...services.map((s) => h("option", { value: s.id }, t().serviceOption(s.name, s.durationMin))),
  );
  const wanted = params.get("serviceId");
  if (wanted && services.some((s) => s.id === wanted)) serviceSelect.value = wanted;
  await loadStaff(params.get("staffId"), params.get("date"));
}

async function loadStaff(wantedStaff: string | null, date: string | null): Promise<void> {
  const service = currentService();
  if (!service) return;
  byId("service-info").textContent = t().serviceInfo(
    service.description,
    service.durationMin,
    priceText(service.price),
  );
  const result = await call<{ staff: PublicStaff[] }>(
    "GET",
    `/v1/staff?serviceId=${encodeURIComponent(service.id)}`,
  );
  if (!result.ok) {
    alert(explain(result).text, {
      label: t().loadAgain,
      run: () => void loadStaff(wantedStaff, date),
    });
    return;
  }
  staff = result.body.staff;
  staffSelect.replaceChildren(
    h("option", { value: "" }, t().anyone),
    ...staff.map((s) => h("option", { value: s.id }, s.name)),
  );
  if (wantedStaff && staff.some((s) => s.id === wantedStaff)) staffSelect.value = wantedStaff;
  await showPicker(date && /^\d{4}-\d\d-\d\d$/.test(date) ? date : undefined);
}

async function showPicker(date?: string): Promise<void> {
  const service = currentService();
  if (!service) return;
  const query = new URLSearchParams({ serviceId: service.id });
  if (staffSelect.value) query.set("staffId", staffSelect.value);
  if (date) query.set("date", date);
  const lang = params.get("lang");
  if (lang) query.set("lang", lang);
  history.replaceState(null, "", `/?${query}`);
  await picker.configure(service, staffSelect.value || null, staff, date);
}

serviceSelect.addEventListener("change", () => void loadStaff(null, null));
staffSelect.addEventListener("change", () => void showPicker());

/**
 * One Idempotency-Key per hold attempt, kept while the visitor retries the same time: a retry
 * after a timeout or a 503 then gets the hold the lost answer was for, not 409. Once the hold is
 * granted the attempt is over and its key is dropped: holding again later (after Change, or an
 * expiry) is a new attempt, and the key of a released hold would only answer 410.
 */
let holdAttempt: { what: string; key: string } | null = null;

continueButton.addEventListener("click", async () => {
  const slot = picker.selection;
  const service = currentService();
  if (!slot || !service || continueButton.disabled) return;
  if (repeatBox.checked) return checkSeries(service, slot);
  continueButton.disabled = true;
  continueButton.textContent = t().holding;
  const what = `${service.id} ${slot.staffId} ${slot.start}`;
  if (holdAttempt?.what !== what) holdAttempt = { what, key: crypto.randomUUID() };
  const result = await call<Hold>("POST", "/v1/holds", {
    body: { clientId, serviceId: service.id, staffId: slot.staffId, start: slot.start },
    headers: { "Idempotency-Key": holdAttempt.key },
  });
  continueButton.disabled = false;
  continueButton.textContent = t().continue;
  if (result.ok) {
    holdAttempt = null;
    alert(undefined);
    startHold({ ...result.body, slot });
    return;
  }
  const { text, retry } = explain(result);
  if (result.code === "SLOT_HELD" || result.code === "SLOT_UNAVAILABLE") {
    picker.markRefused(slot, result.code === "SLOT_HELD" ? "held" : "booked");
    alert(text);
    picker.focus();
  } else {
    alert(text, retry ? { label: retry, run: () => continueButton.click() } : undefined);
  }
});

function startHold(granted: Hold & { slot: PickedSlot }): void {
  hold = granted;
  announced = new Set();
  continueBar.hidden = true;
  picker.element.hidden = true;
  // The held time belongs to this service and staff member: no switching while it is held.
  serviceSelect.disabled = true;
  staffSelect.disabled = true;
  language.setEnabled(false);
  renderQuestions(byId("questions"), currentService()?.questions ?? []);
  details.hidden = false;
  bookButton.disabled = false;
  seriesSection.hidden = true;
  byId("notify-offer").hidden = true;
  const dates = byId("held-dates");
  if (granted.slots.length > 1) {
    byId("held").textContent = t().seriesWith(
      granted.slots.length,
      staffName(granted.slot.staffId),
    );
    dates.replaceChildren(...granted.slots.map((s) => h("li", {}, describeSlot(s.start))));
    dates.hidden = false;
  } else {
    byId("held").textContent = t().slotWith(
      describeSlot(granted.slot.start),
      staffName(granted.slot.staffId),
    );
    dates.hidden = true;
  }
  tick();
  clearInterval(holdTimer);
  holdTimer = setInterval(tick, 1000);
  byId("details-title").focus();
  announce(t().holdAnnounce(formatCountdown(remainingMs())));
}

function remainingMs(): number {
  return hold ? Date.parse(hold.expiresAt) - (Date.now() + skewMs) : 0;
}

function tick(): void {
  if (!hold) return;
  const left = remainingMs();
  countdown.textContent = formatCountdown(left);
  extendButton.hidden = left > 120_000;
  for (const mark of [120_000, 60_000]) {
    if (left <= mark && left > 0 && !announced.has(mark)) {
      announced.add(mark);
      announce(t().minutesLeft(mark / 60_000));
    }
  }
  if (left <= 0) expireHold();
}

/** The hold ran out with the form open: nothing may be booked with it any more. */
function expireHold(): void {
  const slot = hold?.slot;
  endHold();
  alert(t().holdRanOut(slot ? describeSlot(slot.start) : undefined), {
    label: t().chooseATime,
    run: () => picker.focus(),
  });
}

/** Leaves the details step: back to the times, which are re-read. */
function endHold(): void {
  hold = undefined;
  series = undefined;
  seriesSection.hidden = true;
  attempt = undefined;
  clearInterval(holdTimer);
  bookButton.disabled = true;
  details.hidden = true;
  serviceSelect.disabled = false;
  staffSelect.disabled = false;
  language.setEnabled(true);
  picker.element.hidden = false;
  picker.clearSelection();
  void picker.reload();
}

extendButton.addEventListener("click", async () => {
  if (!hold) return;
  extendButton.disabled = true;
  const result = await call<{ expiresAt: string; capped: boolean }>(
    "PATCH",
    `/v1/holds/${encodeURIComponent(hold.holdId)}`,
    { headers: { "X-Hold-Token": hold.holdToken } },
  );
  extendButton.disabled = false;
  if (!hold) return;
  if (result.ok) {
    hold.expiresAt = result.body.expiresAt;
    announced = new Set();
    tick();
    const more = formatCountdown(remainingMs());
    announce(result.body.capped ? t().heldMoreCapped(more) : t().heldMore(more));
    if (result.body.capped) extendButton.setAttribute("aria-disabled", "true");
  } else {
    alert(explain(result).text);
  }
});

byId("change").addEventListener("click", () => {
  const current = hold;
  endHold();
  if (current) {
    void call("DELETE", `/v1/holds/${encodeURIComponent(current.holdId)}`, {
      headers: { "X-Hold-Token": current.holdToken },
    });
  }
  picker.focus();
});

/**
 * Plain words for each form field. English shows the API's own message for the fields it words
 * well (phone, notes); the other languages have their own words for all four.
 */
const FIELD_HINTS: Record<string, keyof Messages> = {
  name: "hintName",
  email: "hintEmail",
  phone: "hintPhone",
  notes: "hintNotes",
};

function fieldHint(id: string, message: string): string {
  const key = FIELD_HINTS[id];
  if (!key || (currentLocale() === "en" && id !== "name" && id !== "email"))
    return sentence(stripField(message));
  return t()[key] as string;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? "" : "."}`;
}

function clearFieldErrors(): void {
  for (const id of ["name", "email", "phone", "notes"]) {
    byId(id).removeAttribute("aria-invalid");
    byId(`${id}-error`).textContent = "";
  }
  clearAnswerErrors(currentService()?.questions ?? []);
}

function showFieldError(message: string): boolean {
  // Question ids may hold "-", which fieldOf's field names do not.
  const answer = /^body\.(answers\.[a-z0-9_-]+): ?(.*)$/.exec(message);
  if (answer)
    return showAnswerError(currentService()?.questions ?? [], answer[1] ?? "", answer[2] ?? "");
  const field = fieldOf(message);
  const id = field === "notes" ? "notes" : field?.replace(/^customer\.?/, "") || undefined;
  if (!id || !["name", "email", "phone", "notes"].includes(id)) return false;
  const input = byId(id);
  input.setAttribute("aria-invalid", "true");
  byId(`${id}-error`).textContent = fieldHint(id, message);
  input.focus();
  return true;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void book();
});

async function book(): Promise<void> {
  // Set before anything awaits: a double click sends one request.
  if (booking || !hold) return;
  if (remainingMs() <= 0) return expireHold();
  booking = true;
  bookButton.disabled = true;
  bookButton.textContent = t().booking;
  clearFieldErrors();
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const body = JSON.stringify({
    holdId: hold.holdId,
    holdToken: hold.holdToken,
    customer: {
      name: value("name"),
      email: value("email"),
      ...(value("phone") ? { phone: value("phone") } : {}),
    },
    ...(value("notes") ? { notes: value("notes") } : {}),
    locale: currentLocale(),
    answers: collectAnswers(currentService()?.questions ?? []),
  });
  if (attempt?.body !== body) attempt = { key: randomId("book_"), body };
  const result = await call<{
    appointment: Appointment;
    appointments?: Appointment[];
    manageToken: string;
  }>("POST", "/v1/appointments", {
    body: JSON.parse(body) as unknown,
    headers: { "Idempotency-Key": attempt.key },
  });
  booking = false;
  bookButton.textContent = t().book;
  if (result.ok)
    return confirm(
      result.body.appointment,
      result.body.manageToken,
      result.body.appointments ?? [result.body.appointment],
    );
  bookButton.disabled = !hold;
  const { text, retry } = explain(result);
  const slot = hold?.slot;
  if (["SLOT_HELD", "SLOT_UNAVAILABLE", "HOLD_EXPIRED", "NOT_FOUND"].includes(result.code)) {
    endHold();
    if (slot) picker.markRefused(slot, result.code === "SLOT_HELD" ? "held" : "booked");
    alert(result.code === "NOT_FOUND" ? explain({ ...result, code: "HOLD_EXPIRED" }).text : text);
    picker.focus();
    return;
  }
  if (result.code === "BAD_REQUEST") {
    attempt = undefined;
    if (showFieldError(result.message)) {
      alert(undefined);
      return;
    }
  }
  alert(text, retry ? { label: retry, run: () => void book() } : undefined);
}

function confirm(appointment: Appointment, manageToken: string, all: Appointment[]): void {
  hold = undefined;
  clearInterval(holdTimer);
  picker.stop();
  alert(undefined);
  details.hidden = true;
  picker.element.hidden = true;
  byId("choose").hidden = true;
  const service = services.find((s) => s.id === appointment.serviceId);
  byId("notify-offer").hidden = true;
  byId("notify").hidden = true;
  const dates = byId("done-dates");
  if (all.length > 1) {
    byId("done-summary").textContent = t().bookedSeriesSummary(
      service?.name ?? t().yourAppointment,
      staffName(appointment.staffId),
      all.length,
      appointment.customer.email,
    );
    const sorted = [...all].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    dates.replaceChildren(
      ...sorted.map((a) => h("li", { "data-id": a.id }, describeSlot(a.start))),
    );
    dates.hidden = false;
  } else {
    byId("done-summary").textContent = t().bookedSummary(
      service?.name ?? t().yourAppointment,
      staffName(appointment.staffId),
      describeSlot(appointment.start),
      appointment.customer.email,
    );
    dates.hidden = true;
  }
  const manage = `/manage?${new URLSearchParams({ id: appointment.id, token: manageToken })}`;
  const link = byId<HTMLAnchorElement>("manage-link");
  link.href = manage;
  link.textContent = `${location.origin}${manage}`;
  void calendarLink(appointment.id, manageToken);
  byId("done").hidden = false;
  byId("done-title").focus();
  announce(t().bookedAnnounce);
}

/** Reads the series for the chosen time and shows each occurrence free or taken. */
async function checkSeries(service: PublicService, slot: PickedSlot): Promise<void> {
  const query = new URLSearchParams({
    serviceId: service.id,
    staffId: slot.staffId,
    start: slot.start,
    everyWeeks: everySelect.value,
    count: countSelect.value,
  });
  continueButton.disabled = true;
  byId("series-loading").hidden = false;
  occurrenceList.replaceChildren();
  byId("series-error").textContent = "";
  holdSeriesButton.hidden = true;
  const result = await call<SeriesAnswer>("GET", `/v1/availability/series?${query}`, {
    headers: { "X-Client-Id": clientId },
  });
  continueButton.disabled = false;
  if (!result.ok) {
    const { text, retry } = explain(result);
    alert(text, retry ? { label: retry, run: () => continueButton.click() } : undefined);
    return;
  }
  alert(undefined);
  series = result.body;
  continueBar.hidden = true;
  picker.element.hidden = true;
  byId("notify-offer").hidden = true;
  serviceSelect.disabled = true;
  staffSelect.disabled = true;
  byId("series-loading").hidden = true;
  renderOccurrences(occurrenceList, series, countChosen);
  countChosen();
  seriesSection.hidden = false;
  byId("series-title").focus();
  const taken = series.occurrences.filter((o) => !o.free).length;
  announce(t().seriesAnnounce(series.occurrences.length - taken, taken));
}

/** The hold button names how many times it will hold. */
function countChosen(): void {
  if (!series) return;
  const { starts } = chosenStarts(occurrenceList, series);
  const open = series.occurrences.filter(
    (o, i) => !o.free && !occurrenceList.querySelector(`input[name="alt-${i}"]:checked`),
  ).length;
  holdSeriesButton.textContent = t().holdSeries(starts.length + open);
  holdSeriesButton.hidden = false;
  holdSeriesButton.disabled = starts.length + open === 0;
}

/** Back from the series to the day's times (nothing is held yet). */
function leaveSeries(): void {
  series = undefined;
  seriesSection.hidden = true;
  picker.element.hidden = false;
  serviceSelect.disabled = false;
  staffSelect.disabled = false;
  showChoice(picker.selection);
}

byId("series-back").addEventListener("click", () => {
  leaveSeries();
  picker.focus();
});

holdSeriesButton.addEventListener("click", async () => {
  const service = currentService();
  const chosen = picker.selection;
  if (!series || !service || !chosen || holdSeriesButton.disabled) return;
  const { starts, missing } = chosenStarts(occurrenceList, series);
  byId("series-error").textContent = "";
  if (missing) {
    missing.setAttribute("aria-invalid", "true");
    byId("series-error").textContent = t().chooseForTaken;
    missing.querySelector("input")?.focus();
    return;
  }
  const body = seriesHoldBody(clientId, series, starts);
  const what = JSON.stringify(body);
  if (holdAttempt?.what !== what) holdAttempt = { what, key: crypto.randomUUID() };
  holdSeriesButton.disabled = true;
  holdSeriesButton.textContent = t().holding;
  const result = await call<Hold>("POST", "/v1/holds", {
    body,
    headers: { "Idempotency-Key": holdAttempt.key },
  });
  holdSeriesButton.disabled = false;
  countChosen();
  if (result.ok) {
    holdAttempt = null;
    alert(undefined);
    const first = result.body.slots[0];
    startHold({
      ...result.body,
      slot: first ? { staffId: first.staffId, start: first.start, end: first.end } : chosen,
    });
    return;
  }
  const { text, retry } = explain(result);
  if (result.code === "SLOT_HELD" || result.code === "SLOT_UNAVAILABLE") {
    // One of the times went meanwhile: read the series again, with the refusal on top.
    await checkSeries(service, chosen);
    alert(text);
    return;
  }
  alert(text, retry ? { label: retry, run: () => holdSeriesButton.click() } : undefined);
});

async function start(): Promise<void> {
  await startLocale();
  language = languageSwitch();
  byId("top").append(language.element);
  picker = new TimePicker({
    clientId,
    announce,
    alert,
    onPick: showChoice,
    onServerTime: (serverMs) => {
      skewMs = serverMs - Date.now();
    },
    onFullDate: offerWaitlist,
  });
  byId("picker").append(picker.element);
  notify = new NotifyForm({ announce, alert });
  fillRepeatChoices(everySelect, countSelect);
  await loadServices();
}

void start();
