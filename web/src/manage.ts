/**
 * The manage page (`/manage?id=…&token=…`): view the appointment, cancel it (for one of a series:
 * this one, this and the following, or all, `?scope=`), or move it (pick a new time, hold it,
 * then the atomic `POST /v1/appointments/{id}/reschedule`).
 */
import {
  type Appointment,
  call,
  type Hold,
  type PublicService,
  type PublicStaff,
  tabClientId,
} from "./api.ts";
import { byId, h, notices } from "./dom.ts";
import { languageSwitch, startLocale, t } from "./i18n/index.ts";
import { explain } from "./messages.ts";
import { type PickedSlot, TimePicker } from "./picker.ts";
import { calendarLink, describeSlot } from "./shared.ts";

const clientId = tabClientId();
const { announce, alert } = notices();
const params = new URLSearchParams(location.search);
let id = params.get("id") ?? "";
const token = params.get("token") ?? "";
const auth = { "X-Manage-Token": token };
let appointment: Appointment | undefined;
let services: PublicService[] = [];
let staff: PublicStaff[] = [];
let holdAttempt: { what: string; key: string } | null = null;
let busy = false;

const move = byId("move");
const moveBar = byId("move-bar");
const holdButton = byId<HTMLButtonElement>("hold");
/** Made once the language is chosen (start), since it draws words. */
let picker!: TimePicker;

const path = (suffix = "") => `/v1/appointments/${encodeURIComponent(id)}${suffix}`;

async function load(): Promise<void> {
  if (!id || !token) {
    byId("loading").textContent = t().linkIncomplete;
    return;
  }
  const [result, servicesResult] = await Promise.all([
    call<{ appointment?: Appointment } & Appointment>("GET", path(), { headers: auth }),
    call<{ services: PublicService[] }>("GET", "/v1/services"),
  ]);
  if (servicesResult.ok) services = servicesResult.body.services;
  if (!result.ok) {
    const text = result.code === "NOT_FOUND" ? t().appointmentNotFound : explain(result).text;
    byId("loading").textContent = text;
    if (result.code !== "NOT_FOUND") alert(text, { label: t().tryAgain, run: () => void load() });
    return;
  }
  appointment = result.body.appointment ?? result.body;
  const staffResult = await call<{ staff: PublicStaff[] }>(
    "GET",
    `/v1/staff?serviceId=${encodeURIComponent(appointment.serviceId)}`,
  );
  if (staffResult.ok) staff = staffResult.body.staff;
  render();
}

function render(): void {
  if (!appointment) return;
  const a = appointment;
  const service = services.find((s) => s.id === a.serviceId);
  const who = staff.find((s) => s.id === a.staffId);
  const m = t();
  const rows: [string, string][] = [
    [m.statusRow, a.status === "confirmed" ? m.statusConfirmed : m.statusCancelled],
    [m.serviceRow, service?.name ?? a.serviceId],
    [m.withRow, who?.name ?? m.ourTeam],
    [m.whenRow, describeSlot(a.start)],
    [m.nameRow, a.customer.name],
    ...(a.seriesId ? ([[m.seriesRow, m.seriesPart]] as [string, string][]) : []),
  ];
  byId("facts").replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  byId("facts").hidden = false;
  byId("facts").dataset.status = a.status;
  byId("loading").hidden = true;
  byId("actions").hidden = a.status !== "confirmed";
  if (a.status === "confirmed") void calendarLink(a.id, token);
  else byId("calendar").hidden = true;
}

byId("cancel").addEventListener("click", () => {
  byId("scope").hidden = !appointment?.seriesId;
  byId<HTMLInputElement>("scope-one").checked = true;
  byId("confirm-cancel").hidden = false;
  byId("actions").hidden = true;
  byId<HTMLButtonElement>("cancel-yes").focus();
});

byId("cancel-no").addEventListener("click", () => {
  byId("confirm-cancel").hidden = true;
  byId("actions").hidden = false;
  byId("cancel").focus();
});

byId("cancel-yes").addEventListener("click", async () => {
  if (busy) return;
  busy = true;
  const scope = appointment?.seriesId
    ? (document.querySelector<HTMLInputElement>('input[name="scope"]:checked')?.value ?? "one")
    : "one";
  const result = await call<
    { appointment?: Appointment; appointments?: Appointment[]; left?: Appointment[] } & Appointment
  >("POST", path(`/cancel${scope === "one" ? "" : `?scope=${scope}`}`), { headers: auth });
  busy = false;
  byId("confirm-cancel").hidden = true;
  if (!result.ok) {
    const { text, retry } = explain(result);
    byId("actions").hidden = false;
    alert(text, retry ? { label: retry, run: () => byId("cancel-yes").click() } : undefined);
    return;
  }
  appointment = result.body.appointment ?? result.body;
  closeMove();
  render();
  alert(undefined);
  byId("view-title").focus();
  const cancelled = result.body.appointments?.length ?? 1;
  const left = result.body.left?.length ?? 0;
  const words = cancelled > 1 ? t().cancelledMany(cancelled) : t().cancelledAnnounce;
  announce(words);
  // Occurrences inside their own cut-off stay booked: say so where it is seen, not only heard.
  if (left > 0) alert(`${words} ${t().leftInside(left)}`);
});

byId("reschedule").addEventListener("click", async () => {
  const service = services.find((s) => s.id === appointment?.serviceId);
  if (!appointment || !service) {
    alert(t().cannotMoveOnline);
    return;
  }
  move.hidden = false;
  byId("actions").hidden = true;
  await picker.configure(service, appointment.staffId, staff, appointment.start.slice(0, 10));
  byId("move-title").focus();
});

byId("move-cancel").addEventListener("click", () => {
  closeMove();
  byId("actions").hidden = false;
  byId("reschedule").focus();
});

function closeMove(): void {
  picker.stop();
  move.hidden = true;
  moveBar.hidden = true;
}

function showChoice(slot: PickedSlot | null): void {
  moveBar.hidden = slot === null;
  if (slot) {
    byId("choice").textContent = t().newTime(describeSlot(slot.start));
    announce(t().newTimeAnnounce(describeSlot(slot.start)));
  }
}

/** Hold the chosen time, then move the appointment onto it in one atomic request. */
holdButton.addEventListener("click", async () => {
  const slot = picker.selection;
  if (!slot || !appointment || busy) return;
  busy = true;
  holdButton.disabled = true;
  holdButton.textContent = t().moving;
  const done = () => {
    busy = false;
    holdButton.disabled = false;
    holdButton.textContent = t().moveHere;
  };
  // One Idempotency-Key per attempt at a time (as on the booking page): a retry after a lost
  // answer gets the hold it made, not 409. Once granted, the key is spent: if the move then
  // fails, the hold is released, and "Try again" is a new attempt with a new key.
  const what = `${appointment.serviceId} ${slot.staffId} ${slot.start}`;
  if (holdAttempt?.what !== what) holdAttempt = { what, key: crypto.randomUUID() };
  const held = await call<Hold>("POST", "/v1/holds", {
    body: { clientId, serviceId: appointment.serviceId, staffId: slot.staffId, start: slot.start },
    headers: { "Idempotency-Key": holdAttempt.key },
  });
  if (!held.ok) {
    done();
    return refused(slot, held);
  }
  holdAttempt = null;
  const moved = await call<{ appointment: Appointment }>("POST", path("/reschedule"), {
    headers: auth,
    body: { holdId: held.body.holdId, holdToken: held.body.holdToken },
  });
  done();
  if (!moved.ok) {
    void call("DELETE", `/v1/holds/${encodeURIComponent(held.body.holdId)}`, {
      headers: { "X-Hold-Token": held.body.holdToken },
    });
    return refused(slot, moved);
  }
  appointment = moved.body.appointment;
  id = appointment.id;
  history.replaceState(null, "", `/manage?${new URLSearchParams({ id, token })}`);
  closeMove();
  render();
  alert(undefined);
  byId("view-title").focus();
  announce(t().movedAnnounce(describeSlot(appointment.start)));
});

function refused(slot: PickedSlot, failure: Parameters<typeof explain>[0]): void {
  const { text, retry } = explain(failure);
  if (["SLOT_HELD", "SLOT_UNAVAILABLE", "HOLD_EXPIRED"].includes(failure.code)) {
    picker.markRefused(slot, failure.code === "SLOT_HELD" ? "held" : "booked");
    alert(text);
    picker.focus();
  } else {
    alert(text, retry ? { label: retry, run: () => holdButton.click() } : undefined);
  }
}

async function start(): Promise<void> {
  await startLocale();
  byId("top").append(languageSwitch().element);
  picker = new TimePicker({ clientId, announce, alert, onPick: showChoice });
  byId("picker").append(picker.element);
  await load();
}

void start();
