/**
 * The month view and the day's times with their live states, shared by the booking page and the
 * manage page's reschedule. Date cells carry `data-date` and `data-free`; time buttons carry
 * `data-start` (ISO 8601 with offset) and `data-state` (available | viewing | held | booked | mine).
 */
import { call, type PublicService, type PublicStaff } from "./api.ts";
import { h } from "./dom.ts";
import { type LiveEntry, LiveFeed } from "./live.ts";
import { t } from "./i18n/index.ts";
import { explain } from "./messages.ts";
import {
  addMonths,
  dayParts,
  formatDay,
  formatMonth,
  monthEnd,
  monthStart,
  offsetOf,
  timeLabels,
  todayLocal,
  utcLabel,
  visitorTime,
  visitorZone,
  weekday,
  weekdayNames,
} from "./time.ts";

export type ShownState = "available" | "viewing" | "held" | "booked" | "mine";
type BaseState = "available" | "viewing" | "held" | "booked";

interface DaySlot {
  start: string;
  end: string;
  staffId: string;
  base: BaseState;
  baseMine: boolean;
}

export interface PickedSlot {
  staffId: string;
  start: string;
  end: string;
}

export interface PickerHost {
  clientId: string;
  /** A polite announcement for screen readers. */
  announce: (text: string) => void;
  /** Shows (or, with undefined, clears) a message with an optional retry action. */
  alert: (text: string | undefined, retry?: { label: string; run: () => void }) => void;
  /** The selection changed (null: nothing selected). */
  onPick: (slot: PickedSlot | null) => void;
  onServerTime?: (serverMs: number) => void;
  /**
   * A date with no free time was chosen (the month says none, or its times are all taken), or,
   * with null, a date with free time opened: the booking page offers its waitlist then.
   */
  onFullDate?: (date: string | null) => void;
}

const RANK: Record<BaseState, number> = { available: 0, viewing: 1, held: 2, booked: 3 };
function stateText(state: ShownState): string {
  const m = t();
  return {
    available: m.stateAvailable,
    viewing: m.stateViewing,
    held: m.stateHeld,
    booked: m.stateBooked,
    mine: m.stateMine,
  }[state];
}
const CELL_MS = 5 * 60_000;
/** Live feeds at most per date in "anyone" mode (one per staff member working that day). */
const MAX_FEEDS = 6;

export class TimePicker {
  readonly element: HTMLElement;
  private service: PublicService | undefined;
  private staffId: string | null = null;
  private staff: PublicStaff[] = [];
  private month = monthStart(todayLocal());
  private date: string | undefined;
  private slots: DaySlot[] = [];
  private live = new Map<string, LiveEntry[]>();
  private feeds: LiveFeed[] = [];
  /** Times the API refused this visit: never shown as free again until availability is re-read. */
  private refused = new Map<string, BaseState>();
  private picked: PickedSlot | null = null;
  private monthSeq = 0;
  private dateSeq = 0;
  private readonly monthTitle = h("h2", { id: "month-title" });
  private readonly grid = h("div", { class: "month-grid", role: "group" });
  private readonly timesTitle = h("h2", { id: "times-title", tabindex: "-1" }, t().timesTitle);
  private readonly zoneNote = h("p", { class: "note" });
  private readonly times = h("div", { class: "times", role: "group" });
  private readonly timesSection: HTMLElement;

  constructor(private readonly host: PickerHost) {
    this.grid.setAttribute("aria-labelledby", "month-title");
    this.times.setAttribute("aria-labelledby", "times-title");
    const prev = h(
      "button",
      { type: "button", class: "nav", "aria-label": t().previousMonth },
      "‹",
    );
    const next = h("button", { type: "button", class: "nav", "aria-label": t().nextMonth }, "›");
    prev.addEventListener("click", () => this.showMonth(addMonths(this.month, -1)));
    next.addEventListener("click", () => this.showMonth(addMonths(this.month, 1)));
    this.timesSection = h(
      "section",
      { class: "card", hidden: "" },
      this.timesTitle,
      this.zoneNote,
      this.times,
    );
    this.element = h(
      "div",
      { class: "picker" },
      h(
        "section",
        { class: "card", "aria-labelledby": "month-title" },
        h("div", { class: "month-head" }, prev, this.monthTitle, next),
        h("p", { class: "note" }, t().datesNote),
        this.grid,
      ),
      this.timesSection,
    );
  }

  get selection(): PickedSlot | null {
    return this.picked;
  }

  /** Shows `service` with one staff member (or anyone, null), at `date` when given. */
  async configure(
    service: PublicService,
    staffId: string | null,
    staff: PublicStaff[],
    date?: string,
  ): Promise<void> {
    this.service = service;
    this.staffId = staffId;
    this.staff = staff;
    this.closeDate();
    await this.showMonth(monthStart(date ?? this.date ?? todayLocal()));
    if (date) await this.openDate(date);
  }

  async showMonth(month: string): Promise<void> {
    if (!this.service) return;
    this.month = month;
    this.monthTitle.textContent = formatMonth(month);
    const seq = ++this.monthSeq;
    this.grid.replaceChildren(h("p", { class: "loading" }, t().loadingDates));
    this.grid.setAttribute("aria-busy", "true");
    const query = new URLSearchParams({
      serviceId: this.service.id,
      from: month,
      to: monthEnd(month),
      ...(this.staffId ? { staffId: this.staffId } : {}),
    });
    const result = await call<{ days: { date: string; free: number }[] }>(
      "GET",
      `/v1/availability/summary?${query}`,
    );
    if (seq !== this.monthSeq) return;
    this.grid.removeAttribute("aria-busy");
    if (!result.ok) {
      const { text } = explain(result);
      this.grid.replaceChildren(h("p", { class: "error-inline" }, text));
      this.host.alert(text, { label: t().loadDatesAgain, run: () => this.showMonth(month) });
      return;
    }
    this.renderMonth(result.body.days);
  }

  private renderMonth(days: { date: string; free: number }[]): void {
    const cells: HTMLElement[] = weekdayNames().map((d) =>
      h("span", { class: "dow", "aria-hidden": "true" }, d),
    );
    const first = days[0]?.date ?? this.month;
    for (let i = 1; i < weekday(first); i++) cells.push(h("span", { class: "blank" }));
    for (const day of days) {
      const free = day.free;
      // The accessible name is the whole date in words plus the count ("Monday, 7 December
      // 2026, 14 free"); the visible text is the day's number and the count.
      const { weekday: weekdayName, rest } = dayParts(day.date);
      const button = h(
        "button",
        { type: "button", class: "date", "data-date": day.date, "data-free": String(free) },
        h("span", { class: "visually-hidden" }, `${weekdayName}, ${rest}, `),
        h("span", { class: "num", "aria-hidden": "true" }, String(Number(day.date.slice(8)))),
        h("span", { class: "free" }, free === 0 ? "–" : t().freeCount(free)),
        h("span", { class: "visually-hidden" }, free === 0 ? t().noFreeTimes : ""),
      );
      if (free === 0) button.setAttribute("aria-disabled", "true");
      if (day.date === this.date) button.setAttribute("aria-pressed", "true");
      button.addEventListener("click", () => {
        if (free > 0) void this.openDate(day.date);
        else {
          this.host.announce(t().dayHasNoTimes(formatDay(day.date)));
          this.host.onFullDate?.(day.date);
        }
      });
      cells.push(button);
    }
    this.grid.replaceChildren(...cells);
  }

  /** Loads the times of `date` and starts its live feeds. */
  async openDate(date: string, focus = true): Promise<void> {
    if (!this.service) return;
    if (date.slice(0, 7) !== this.month.slice(0, 7)) void this.showMonth(monthStart(date));
    for (const b of this.grid.querySelectorAll<HTMLElement>("button[data-date]")) {
      b.setAttribute("aria-pressed", String(b.dataset.date === date));
    }
    const changed = date !== this.date;
    if (changed) {
      this.setPicked(null);
      // The old date's streams close before the new date's open: the server counts an
      // address's open streams, and closed ones give their places back only seconds later.
      this.stopFeeds();
    }
    this.date = date;
    this.timesSection.hidden = false;
    this.timesTitle.textContent = t().timesOn(formatDay(date));
    const seq = ++this.dateSeq;
    if (changed) this.times.replaceChildren(h("p", { class: "loading" }, t().loadingTimes));
    this.times.setAttribute("aria-busy", "true");
    const query = new URLSearchParams({
      serviceId: this.service.id,
      from: date,
      to: date,
      ...(this.staffId ? { staffId: this.staffId } : {}),
    });
    const result = await call<{
      days: { slots: (DaySlot & { state: BaseState; mine?: boolean })[] }[];
    }>("GET", `/v1/availability?${query}`, { headers: { "X-Client-Id": this.host.clientId } });
    if (seq !== this.dateSeq) return;
    this.times.removeAttribute("aria-busy");
    if (!result.ok) {
      const { text } = explain(result);
      this.times.replaceChildren(h("p", { class: "error-inline" }, text));
      this.host.alert(text, { label: t().loadTimesAgain, run: () => this.openDate(date) });
      return;
    }
    this.slots = (result.body.days[0]?.slots ?? []).map((s) => ({
      start: s.start,
      end: s.end,
      staffId: s.staffId,
      base: s.state,
      baseMine: s.mine === true,
    }));
    this.refused.clear();
    const anyFree = this.slots.some((s) => s.base === "available" || s.base === "viewing");
    this.host.onFullDate?.(anyFree ? null : date);
    if (changed) this.startFeeds(date);
    this.renderTimes();
    if (changed && focus) this.timesTitle.focus();
  }

  private closeDate(): void {
    this.stopFeeds();
    this.date = undefined;
    this.slots = [];
    this.timesSection.hidden = true;
    this.setPicked(null);
  }

  /** Stops the live feeds (the page moved on). */
  stop(): void {
    this.closeDate();
  }

  private stopFeeds(): void {
    for (const feed of this.feeds) feed.stop();
    this.feeds = [];
    this.live.clear();
  }

  private startFeeds(date: string): void {
    this.stopFeeds();
    const staffIds = [...new Set(this.slots.map((s) => s.staffId))].slice(0, MAX_FEEDS);
    this.feeds = staffIds.map((staffId) => {
      const feed = new LiveFeed({
        staffId,
        date,
        clientId: this.host.clientId,
        isViewing: () => this.picked?.staffId === staffId,
        onEntries: (entries) => this.onLive(staffId, entries),
        ...(this.host.onServerTime ? { onServerTime: this.host.onServerTime } : {}),
      });
      feed.start();
      return feed;
    });
  }

  private onLive(staffId: string, entries: LiveEntry[]): void {
    const before = this.live.get(staffId);
    this.live.set(staffId, entries);
    // A booking that left the live state was cancelled (or rescheduled): availability knows
    // whether its time is free again, so read it once.
    const gone = before?.some(
      (b) =>
        b.state === "booked" && !entries.some((e) => e.state === "booked" && e.start === b.start),
    );
    if (gone && this.date) void this.openDate(this.date, false);
    else this.renderTimes();
  }

  /** The API refused `slot`: show it as taken from now on. */
  markRefused(slot: PickedSlot, state: "held" | "booked"): void {
    this.refused.set(`${slot.staffId}|${slot.start}`, state);
    if (this.picked?.start === slot.start && this.picked.staffId === slot.staffId)
      this.setPicked(null);
    this.renderTimes();
  }

  /** Re-reads the open date (after a booking, an expired hold, a refusal). */
  reload(): Promise<void> {
    return this.date ? this.openDate(this.date, false) : Promise.resolve();
  }

  /** Drops the selection (and its marker, with the next heartbeat). */
  clearSelection(): void {
    this.setPicked(null);
    this.renderTimes();
  }

  /** Focuses the day's times (or the month when no date is open). */
  focus(): void {
    if (!this.timesSection.hidden) this.timesTitle.focus();
    else this.grid.querySelector<HTMLElement>("button[data-date]:not([aria-disabled])")?.focus();
  }

  private occupied(start: string, end: string): [number, number] {
    const before = (this.service?.bufferBeforeMin ?? 0) * 60_000;
    const after = (this.service?.bufferAfterMin ?? 0) * 60_000;
    return [
      Math.floor((Date.parse(start) - before) / CELL_MS),
      Math.ceil((Date.parse(end) + after) / CELL_MS),
    ];
  }

  /** One staff member's slot as this client sees it now. */
  private stateOf(slot: DaySlot): ShownState {
    const entries = this.live.get(slot.staffId);
    let state: BaseState = slot.base;
    let mine = slot.baseMine;
    if (entries) {
      // Live state replaces availability's snapshot of holds and markers; bookings stay.
      state = slot.base === "booked" ? "booked" : "available";
      mine = false;
      const [from, to] = this.occupied(slot.start, slot.end);
      for (const entry of entries) {
        // This client's own entries show on their own time only: a neighbour that merely
        // overlaps this client's selection is still free for this client to switch to.
        if (entry.mine && entry.start !== slot.start) continue;
        const [s, e] = this.occupied(entry.start, entry.end);
        if (s >= to || from >= e) continue;
        const rank = RANK[entry.state];
        if (rank > RANK[state] || (rank === RANK[state] && mine && !entry.mine)) {
          state = entry.state;
          mine = entry.mine;
        }
      }
    }
    // A refusal from the API is a floor: the time never looks freer than the API said it is.
    const refused = this.refused.get(`${slot.staffId}|${slot.start}`);
    if (refused && RANK[refused] > RANK[state]) return refused;
    const picked = this.picked?.staffId === slot.staffId && this.picked.start === slot.start;
    if ((mine || picked) && state !== "booked" && !(state === "held" && !mine)) return "mine";
    return state;
  }

  private renderTimes(): void {
    if (!this.date) return;
    const byStart = new Map<string, { slot: DaySlot; state: ShownState }[]>();
    for (const slot of this.slots) {
      const list = byStart.get(slot.start) ?? [];
      list.push({ slot, state: this.stateOf(slot) });
      byStart.set(slot.start, list);
    }
    if (byStart.size === 0) {
      this.times.replaceChildren(h("p", { class: "note" }, t().noTimesOnDate));
      return;
    }
    const labels = timeLabels([...byStart.keys()]);
    const first = this.slots[0];
    const zone = this.staff.find((s) => s.id === first?.staffId)?.timeZone;
    const showVisitor = this.slots.some((s) => visitorTime(s.start) !== undefined);
    this.zoneNote.textContent = t().timesIn(
      zone ?? undefined,
      utcLabel(offsetOf(first?.start ?? "Z")),
      showVisitor ? visitorZone : undefined,
    );
    const existing = new Map(
      [...this.times.querySelectorAll<HTMLButtonElement>("button[data-start]")].map((b) => [
        b.dataset.start ?? "",
        b,
      ]),
    );
    const buttons: HTMLElement[] = [];
    for (const [start, candidates] of byStart) {
      const shown = bestOf(candidates.map((c) => c.state));
      const label = labels.get(start) ?? start;
      const yours = visitorTime(start);
      const button = existing.get(start) ?? this.timeButton(start);
      button.dataset.state = shown;
      button.setAttribute("aria-pressed", String(shown === "mine"));
      const selectable = shown === "available" || shown === "viewing" || shown === "mine";
      if (selectable) button.removeAttribute("aria-disabled");
      else button.setAttribute("aria-disabled", "true");
      const sep = () => h("span", { class: "visually-hidden" }, ", ");
      button.replaceChildren(
        h("span", { class: "t" }, label),
        ...(yours ? [sep(), h("span", { class: "v" }, t().yoursShort(yours))] : []),
        sep(),
        h("span", { class: "s" }, stateText(shown)),
      );
      buttons.push(button);
    }
    if (
      buttons.some((b, i) => this.times.children[i] !== b) ||
      this.times.children.length !== buttons.length
    ) {
      this.times.replaceChildren(...buttons);
    }
  }

  private timeButton(start: string): HTMLButtonElement {
    const button = h("button", { type: "button", class: "time", "data-start": start });
    button.addEventListener("click", () => void this.choose(start));
    return button;
  }

  private async choose(start: string): Promise<void> {
    if (!this.service) return;
    const candidates = this.slots
      .filter((s) => s.start === start)
      .map((slot) => ({ slot, state: this.stateOf(slot) }));
    const mine = candidates.find((c) => c.state === "mine");
    if (mine) return; // already chosen
    const pick =
      candidates.find((c) => c.state === "available") ??
      candidates.find((c) => c.state === "viewing");
    if (!pick) {
      this.host.announce(t().notFree);
      return;
    }
    const slot = { staffId: pick.slot.staffId, start, end: pick.slot.end };
    this.setPicked(slot);
    this.renderTimes();
    const result = await call("POST", "/v1/slots/select", {
      body: {
        clientId: this.host.clientId,
        serviceId: this.service.id,
        staffId: slot.staffId,
        start,
      },
    });
    if (this.picked !== slot) return;
    if (result.ok) {
      this.host.alert(undefined);
      this.feedOf(slot.staffId)?.refresh();
      return;
    }
    const { text, retry } = explain(result);
    if (result.code === "SLOT_HELD" || result.code === "SLOT_UNAVAILABLE") {
      this.markRefused(slot, result.code === "SLOT_HELD" ? "held" : "booked");
      this.host.alert(text);
    } else {
      this.setPicked(null);
      this.renderTimes();
      this.host.alert(
        text,
        retry ? { label: retry, run: () => void this.choose(start) } : undefined,
      );
    }
  }

  private feedOf(staffId: string): LiveFeed | undefined {
    const index = [...new Set(this.slots.map((s) => s.staffId))]
      .slice(0, MAX_FEEDS)
      .indexOf(staffId);
    return this.feeds[index];
  }

  private setPicked(slot: PickedSlot | null): void {
    const before = this.picked;
    this.picked = slot;
    if (before !== slot) {
      if (before) this.feedOf(before.staffId)?.refresh();
      this.host.onPick(slot);
    }
  }
}

/** The state of a time offered by several staff members: the best chance for the customer. */
function bestOf(states: ShownState[]): ShownState {
  for (const s of ["mine", "available", "viewing", "held", "booked"] as const) {
    if (states.includes(s)) return s;
  }
  return "booked";
}
