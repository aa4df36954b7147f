/**
 * The booking page's repeat choice (a recurring series): the "every N weeks × count" controls,
 * the occurrences `GET /v1/availability/series` found for the chosen time (each free or taken),
 * the customer's choice for a taken one (one of its offered alternatives, or leaving the date
 * out), and the hold's body: `repeat` when every occurrence is taken as found, else explicit
 * `slots`. The hold is all or nothing either way (ADR 0312).
 */
import { h } from "./dom.ts";
import { t } from "./i18n/index.ts";
import { describeSlot } from "./shared.ts";
import { timeLabels } from "./time.ts";

export const EVERY_WEEKS = [1, 2, 3, 4] as const;
/** The first occurrence included; the API takes up to 12. */
export const COUNTS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

export interface Occurrence {
  date: string;
  start: string;
  end: string | null;
  free: boolean;
  state: "available" | "viewing" | "held" | "booked" | "unavailable";
  alternatives: { start: string; end: string }[];
}

export interface SeriesAnswer {
  serviceId: string;
  staffId: string;
  everyWeeks: number;
  count: number;
  occurrences: Occurrence[];
}

/** The value of a taken occurrence's "leave this date out" choice. */
const LEAVE_OUT = "";

/** Fills the two selects in the page's language (every week by default, 4 times). */
export function fillRepeatChoices(every: HTMLSelectElement, count: HTMLSelectElement): void {
  every.replaceChildren(
    ...EVERY_WEEKS.map((n) => h("option", { value: String(n) }, t().everyWeeks(n))),
  );
  count.replaceChildren(...COUNTS.map((n) => h("option", { value: String(n) }, String(n))));
  count.value = "4";
}

/**
 * Renders the occurrences into `list` (an `<ol>`): each names its date and time and says free or
 * taken; a taken one gets a radio group of its alternatives and "leave this date out".
 * `onChange` runs whenever a choice changes (the hold button counts the chosen times).
 */
export function renderOccurrences(
  list: HTMLElement,
  answer: SeriesAnswer,
  onChange: () => void,
): void {
  const m = t();
  list.replaceChildren(
    ...answer.occurrences.map((o, index) => {
      const head = h(
        "div",
        { class: "occurrence-head" },
        h("span", {}, describeSlot(o.start)),
        h(
          "span",
          { class: o.free ? "badge-free" : "badge-taken" },
          o.free ? m.occurrenceFree : m.occurrenceTaken,
        ),
      );
      const item = h(
        "li",
        { class: "occurrence", "data-date": o.date, "data-free": String(o.free) },
        head,
      );
      if (o.free) return item;
      const name = `alt-${index}`;
      const legendId = `alt-${index}-legend`;
      const group = h(
        "fieldset",
        { "data-index": String(index), "aria-describedby": "series-error" },
        h("legend", { id: legendId }, o.alternatives.length ? m.pickAlternative : m.noAlternatives),
      );
      const labels = timeLabels(o.alternatives.map((a) => a.start));
      const options = [
        ...o.alternatives.map((a) => ({ value: a.start, text: labels.get(a.start) ?? a.start })),
        { value: LEAVE_OUT, text: m.leaveOut },
      ];
      options.forEach((option, i) => {
        const id = `${name}-${i}`;
        const input = h("input", { type: "radio", id, name, value: option.value });
        if (option.value) input.dataset.start = option.value;
        // With nothing else to choose, leaving the date out is the choice already made.
        if (o.alternatives.length === 0) input.checked = true;
        input.addEventListener("change", () => {
          group.removeAttribute("aria-invalid");
          onChange();
        });
        group.append(h("div", { class: "check" }, input, h("label", { for: id }, option.text)));
      });
      item.append(group);
      return item;
    }),
  );
}

/**
 * The starts the customer chose, in date order, or the first taken occurrence's group that has
 * no choice yet (which the page marks and focuses).
 */
export function chosenStarts(
  list: HTMLElement,
  answer: SeriesAnswer,
): { starts: string[]; missing: HTMLFieldSetElement | undefined } {
  const starts: string[] = [];
  let missing: HTMLFieldSetElement | undefined;
  answer.occurrences.forEach((o, index) => {
    if (o.free) {
      starts.push(o.start);
      return;
    }
    const checked = list.querySelector<HTMLInputElement>(`input[name="alt-${index}"]:checked`);
    if (!checked) {
      missing ??=
        list.querySelector<HTMLFieldSetElement>(`fieldset[data-index="${index}"]`) ?? undefined;
      return;
    }
    if (checked.value !== LEAVE_OUT) starts.push(checked.value);
  });
  return { starts, missing };
}

/**
 * The hold's body: the series as found (`repeat`) when every occurrence was free, else the
 * chosen slots one by one (a single slot when only one is left).
 */
export function seriesHoldBody(
  clientId: string,
  answer: SeriesAnswer,
  starts: string[],
): Record<string, unknown> {
  const { serviceId, staffId } = answer;
  const first = starts[0] ?? "";
  if (answer.occurrences.every((o) => o.free) && starts.length === answer.occurrences.length)
    return {
      clientId,
      serviceId,
      staffId,
      start: first,
      repeat: { everyWeeks: answer.everyWeeks, count: answer.count },
    };
  if (starts.length === 1) return { clientId, serviceId, staffId, start: first };
  return { clientId, slots: starts.map((start) => ({ serviceId, staffId, start })) };
}
