/**
 * The weekly hours page: an owner or manager edits a staff member's intervals per weekday
 * (several a day; the gaps are breaks), sees each problem at its row before sending and the API's
 * refusal at its weekday after, and sees the effect on the next seven days before saving
 * (hours.ts). A staff account reads its own weekly hours here; the server refuses it the write.
 */
import { byId, h } from "../dom.ts";
import { stripField } from "../messages.ts";
import { addDays, dayParts, formatDay, wallTime } from "../time.ts";
import { utcRange } from "./days.ts";
import type { AdminAppointment, Closure } from "./feed.ts";
import {
  checkDay,
  type DayPreview,
  type Interval,
  type PreviewInput,
  previewHours,
  toApiWeekly,
  WEEKDAYS,
  type WeekdayKey,
  type Weekly,
  zonedInstant,
} from "./hours.ts";
import { at } from "./i18n.ts";
import { failureText, type Page, type PageContext, refusedField } from "./page.ts";

interface Settings {
  timeZone: string;
  slotIntervalMin: number;
  minNoticeMin: number;
  horizonDays: number;
}

/** What the preview needs besides the draft, read once per staff member. */
interface PreviewData {
  dates: string[];
  overrides: { date: string; intervals: Interval[] }[];
  closures: Closure[];
  appointments: AdminAppointment[];
  settings: Settings;
  zone: string;
  nowMs: number;
}

let ctx: PageContext;
let staffId = "";
let current: Weekly = {};
let draft: Weekly = {};
let data: PreviewData | undefined;
let previewServiceId = "";

const editable = () => ctx.caps.weeklyHours;
const dayName = (i: number) => dayParts(addDays("2024-01-01", i)).weekday;

export const hoursPage: Page = {
  async open(c) {
    ctx = c;
    const m = at();
    const body = byId("hours-body");
    const members = ctx.staff();
    if (ctx.caps.everyone) {
      const select = h(
        "select",
        { id: "hours-staff" },
        ...members.map((s) => h("option", { value: s.id }, s.name)),
      );
      if (members.some((s) => s.id === staffId)) select.value = staffId;
      select.addEventListener("change", () => void load(select.value));
      body.replaceChildren(
        h("div", { class: "field" }, h("label", { for: "hours-staff" }, m.staffLabel), select),
        h("div", { id: "hours-content" }),
      );
      await load(select.value);
    } else {
      body.replaceChildren(
        h("p", { class: "muted" }, m.weeklyReadOnly),
        h("div", { id: "hours-content" }),
      );
      await load(ctx.account.staffId ?? "");
    }
  },
};

async function load(id: string): Promise<void> {
  staffId = id;
  data = undefined;
  const content = byId("hours-content");
  if (!id) return content.replaceChildren(h("p", { class: "muted" }, at().noStaff));
  content.replaceChildren(h("p", { class: "loading" }, at().loading));
  const result = await ctx.api<{ weekly: Weekly }>(
    "GET",
    `/v1/admin/staff/${encodeURIComponent(id)}/schedule`,
  );
  if (!result.ok) return ctx.alert(failureText(result));
  current = result.body.weekly;
  draft = structuredClone(current);
  if (editable()) data = await loadPreviewData(id);
  if (staffId !== id) return;
  draw();
}

async function loadPreviewData(id: string): Promise<PreviewData | undefined> {
  const settings = await ctx.api<Settings>("GET", "/v1/admin/settings");
  if (!settings.ok) return undefined;
  const member = ctx.staff().find((s) => s.id === id);
  const zone = member?.timeZone ?? settings.body.timeZone;
  const nowMs = Date.now();
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(nowMs);
  const dates = Array.from({ length: 7 }, (_, i) => addDays(today, i));
  const path = `/v1/admin/staff/${encodeURIComponent(id)}`;
  const range = new URLSearchParams({ from: today, to: addDays(today, 6) });
  const [overrides, closures, appointments] = await Promise.all([
    ctx.api<{ overrides: PreviewData["overrides"] }>("GET", `${path}/overrides?${range}`),
    ctx.api<{ closures: Closure[] }>("GET", "/v1/admin/closures"),
    staffAppointments(id, dates),
  ]);
  if (!overrides.ok || !closures.ok || !appointments) return undefined;
  return {
    dates,
    overrides: overrides.body.overrides,
    closures: closures.body.closures,
    appointments,
    settings: settings.body,
    zone,
    nowMs,
  };
}

/** The staff member's confirmed appointments on the dates (every page of the answer). */
async function staffAppointments(
  id: string,
  dates: string[],
): Promise<AdminAppointment[] | undefined> {
  const { from, to } = utcRange(dates);
  const out: AdminAppointment[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ from, to, staffId: id, limit: "100" });
    if (cursor) params.set("cursor", cursor);
    const page = await ctx.api<{ appointments: AdminAppointment[]; nextCursor: string | null }>(
      "GET",
      `/v1/admin/appointments?${params}`,
    );
    if (!page.ok) return undefined;
    out.push(...page.body.appointments.filter((a) => a.status === "confirmed"));
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
}

// ---- drawing -----------------------------------------------------------------------------

function draw(): void {
  const m = at();
  if (!editable()) {
    byId("hours-content").replaceChildren(
      h(
        "dl",
        { class: "facts", id: "hours-readonly" },
        ...WEEKDAYS.flatMap((day, i) => [
          h("dt", {}, dayName(i)),
          h("dd", {}, hoursText(current[day])),
        ]),
      ),
    );
    return;
  }
  const form = h(
    "form",
    { id: "hours-form", novalidate: "" },
    ...WEEKDAYS.map((day, i) => weekdayFieldset(day, i)),
    previewCard(),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "hours-save" }, m.saveWeekly)),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void save();
  });
  byId("hours-content").replaceChildren(form);
  drawPreview();
}

function hoursText(list: Interval[] | undefined): string {
  if (!list || list.length === 0) return at().dayOff;
  return list.map((i) => `${i.start}–${i.end}`).join(", ");
}

function weekdayFieldset(day: WeekdayKey, index: number): HTMLFieldSetElement {
  const m = at();
  const name = dayName(index);
  const rows = (draft[day] ?? []).map((interval, i) => intervalRow(day, name, interval, i));
  const add = h(
    "button",
    { type: "button", class: "secondary small", "data-add": day },
    m.addHours(name),
  );
  add.addEventListener("click", () => {
    const list = draft[day] ?? [];
    const last = list[list.length - 1];
    list.push(
      last
        ? { start: last.end === "24:00" ? "23:00" : last.end, end: "" }
        : { start: "09:00", end: "17:00" },
    );
    draft[day] = list;
    redrawDay(day, index);
    byId(`hours-${day}-${list.length - 1}-${last ? "end" : "start"}`).focus();
  });
  return h(
    "fieldset",
    { class: "weekday card", id: `hours-${day}` },
    h("legend", {}, name),
    ...(rows.length ? rows : [h("p", { class: "muted" }, m.dayOff)]),
    h("p", { id: `hours-${day}-error`, class: "field-error", role: "status" }),
    add,
  );
}

function intervalRow(day: WeekdayKey, name: string, interval: Interval, i: number): HTMLElement {
  const m = at();
  const input = (field: "start" | "end") => {
    const id = `hours-${day}-${i}-${field}`;
    const el = h("input", {
      id,
      type: "time",
      step: "300",
      "aria-describedby": `hours-${day}-error`,
    });
    el.value = interval[field] === "24:00" ? "00:00" : interval[field];
    el.addEventListener("change", () => {
      const list = draft[day];
      const row = list?.[i];
      if (row) row[field] = el.value;
      check(day);
      drawPreview();
    });
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, field === "start" ? m.hoursFrom : m.hoursTo),
      el,
    );
  };
  const remove = h(
    "button",
    {
      type: "button",
      class: "secondary small",
      "aria-label": m.removeHours(name, `${interval.start}–${interval.end}`),
    },
    "×",
  );
  remove.addEventListener("click", () => {
    draft[day]?.splice(i, 1);
    redrawDay(day, WEEKDAYS.indexOf(day));
    drawPreview();
    byId(`hours-${day}`).querySelector<HTMLElement>("button[data-add]")?.focus();
  });
  return h("div", { class: "filters interval" }, input("start"), input("end"), remove);
}

function redrawDay(day: WeekdayKey, index: number): void {
  byId(`hours-${day}`).replaceWith(weekdayFieldset(day, index));
  check(day);
}

/** Marks the day's problems at their inputs; true when the day is fine. */
function check(day: WeekdayKey): boolean {
  const m = at();
  const grid = data?.settings.slotIntervalMin ?? 5;
  const problems = checkDay(draft[day] ?? [], grid);
  const box = byId(`hours-${day}`);
  for (const input of box.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  for (const p of problems) {
    document
      .getElementById(`hours-${day}-${p.index}-${p.field}`)
      ?.setAttribute("aria-invalid", "true");
  }
  byId(`hours-${day}-error`).textContent = problems
    .map((p) =>
      m.intervalProblem(
        p.index + 1,
        p.problem === "offGrid" ? m.offGrid(grid) : m.problems[p.problem],
      ),
    )
    .join(" ");
  return problems.length === 0;
}

// ---- the effect, before saving -----------------------------------------------------------

function previewCard(): HTMLElement {
  const m = at();
  const member = ctx.staff().find((s) => s.id === staffId);
  const offered = ctx.services().filter((s) => member?.serviceIds.includes(s.id));
  if (!offered.some((s) => s.id === previewServiceId)) previewServiceId = offered[0]?.id ?? "";
  const select = h(
    "select",
    { id: "preview-service" },
    ...offered.map((s) => h("option", { value: s.id }, s.name)),
  );
  select.value = previewServiceId;
  select.addEventListener("change", () => {
    previewServiceId = select.value;
    drawPreview();
  });
  return h(
    "section",
    { class: "card", id: "hours-preview", "aria-labelledby": "preview-title" },
    h("h3", { id: "preview-title" }, m.previewTitle),
    offered.length
      ? h(
          "div",
          { class: "field" },
          h("label", { for: "preview-service" }, m.previewService),
          select,
        )
      : h("p", { class: "muted" }, m.previewNoService),
    h("ul", { id: "preview-list", class: "appt-list" }),
    h("p", { class: "muted" }, m.previewNote),
  );
}

function drawPreview(): void {
  const list = document.getElementById("preview-list");
  const service = ctx.services().find((s) => s.id === previewServiceId);
  if (!list || !data || !service) return;
  const d = data;
  const input: PreviewInput = {
    dates: d.dates,
    current,
    draft,
    overrides: d.overrides,
    closures: d.closures,
    appointments: d.appointments.map((a) => {
      const of = ctx.services().find((s) => s.id === a.serviceId);
      return {
        ...a,
        bufferBeforeMin: of?.bufferBeforeMin ?? 0,
        bufferAfterMin: of?.bufferAfterMin ?? 0,
      };
    }),
    service,
    gridMin: d.settings.slotIntervalMin,
    earliestMs: d.nowMs + d.settings.minNoticeMin * 60_000,
    horizonEndMs: d.nowMs + d.settings.horizonDays * 86_400_000,
    instantOf: (date, minute) => zonedInstant(date, minute, d.zone),
  };
  list.replaceChildren(...previewHours(input).map((day) => previewItem(day, d)));
}

function previewItem(day: DayPreview, d: PreviewData): HTMLElement {
  const m = at();
  const what = day.closed ? m.closedDay("") : hoursText(day.hours);
  const item = h(
    "li",
    {
      class: "preview-day",
      "data-date": day.date,
      "data-before": String(day.before),
      "data-after": String(day.after),
      "data-outside": day.outside.join(" "),
    },
    h("strong", {}, formatDay(day.date)),
    h("span", {}, ` ${what}${day.override ? ` ${m.changedForDate}` : ""}`),
    h(
      "span",
      { class: day.after < day.before ? "preview-less" : "preview-count" },
      m.slotsBeforeAfter(day.before, day.after),
    ),
  );
  for (const id of day.outside) {
    const a = d.appointments.find((x) => x.id === id);
    if (a)
      item.append(
        h(
          "span",
          { class: "preview-outside" },
          m.outsideHours(`${wallTime(a.start)} ${a.customer.name}`),
        ),
      );
  }
  return item;
}

// ---- saving ------------------------------------------------------------------------------

async function save(): Promise<void> {
  const m = at();
  const bad = WEEKDAYS.filter((day) => !check(day));
  const first = bad[0];
  if (first) {
    const input =
      byId(`hours-${first}`).querySelector<HTMLElement>("input[aria-invalid]") ??
      byId(`hours-${first}`);
    return input.focus();
  }
  const result = await ctx.api<{ weekly: Weekly }>(
    "PUT",
    `/v1/admin/staff/${encodeURIComponent(staffId)}/schedule`,
    { weekly: toApiWeekly(draft) },
  );
  if (!result.ok) {
    // The refusal names its weekday (`body.weekly.thursday[1]: overlaps [0]`): shown there.
    const day = WEEKDAYS.find((d) => refusedField(result.message) === `weekly.${d}`);
    if (result.status === 400 && day) {
      byId(`hours-${day}-error`).textContent = stripField(result.message);
      const input = byId(`hours-${day}`).querySelector("input");
      input?.setAttribute("aria-invalid", "true");
      return input?.focus();
    }
    return ctx.alert(failureText(result));
  }
  ctx.alert(undefined);
  current = result.body.weekly;
  draft = structuredClone(current);
  draw();
  ctx.announce(m.weeklySaved);
  byId("hours-title").focus();
}
