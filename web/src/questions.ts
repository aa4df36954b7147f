/**
 * A service's intake questions on the booking page: one labelled control per question (by kind),
 * each with its own error line, and the answers the booking sends. Labels are in the page's
 * language when the question has it, else in the business's default language (`en`).
 */
import type { Question } from "./api.ts";
import { byId, h } from "./dom.ts";

const controlId = (q: Question) => `q-${q.id}`;
const errorId = (q: Question) => `q-${q.id}-error`;

/** The text for the page's language (`<html lang>`, then its base language), else English. */
export function localized(text: Record<string, string>, lang = document.documentElement.lang) {
  return text[lang] ?? text[lang.split("-")[0] ?? ""] ?? text.en ?? Object.values(text)[0] ?? "";
}

function labelText(q: Question): (Node | string)[] {
  return q.required
    ? [localized(q.label)]
    : [localized(q.label), " ", h("span", { class: "optional" }, "(optional)")];
}

function control(q: Question): HTMLElement {
  const id = controlId(q);
  const common: Record<string, string> = { id, name: id, "aria-describedby": errorId(q) };
  if (q.required) common.required = "";
  switch (q.kind) {
    case "textarea":
      return h("textarea", {
        ...common,
        rows: "3",
        ...(q.maxLength ? { maxlength: String(q.maxLength) } : {}),
      });
    case "text":
      return h("input", { ...common, maxlength: String(q.maxLength ?? 200) });
    case "phone":
      return h("input", { ...common, type: "tel", autocomplete: "tel" });
    case "number":
      return h("input", {
        ...common,
        type: "number",
        inputmode: "decimal",
        step: "any",
        ...(q.min !== undefined ? { min: String(q.min) } : {}),
        ...(q.max !== undefined ? { max: String(q.max) } : {}),
      });
    case "choice":
      return h(
        "select",
        common,
        h("option", { value: "" }, q.required ? "Choose one" : "No answer"),
        ...(q.options ?? []).map((o) => h("option", { value: o.value }, localized(o.label))),
      );
    default:
      return h("input", common);
  }
}

/** One question's field: a label and control, a fieldset of checkboxes, or a single checkbox. */
function field(q: Question): HTMLElement {
  const error = h("p", { id: errorId(q), class: "field-error" });
  if (q.kind === "multichoice") {
    const boxes = (q.options ?? []).map((o) => {
      const id = `${controlId(q)}-${o.value}`;
      return h(
        "div",
        { class: "check" },
        h("input", { id, type: "checkbox", name: controlId(q), value: o.value }),
        h("label", { for: id }, localized(o.label)),
      );
    });
    return h(
      "fieldset",
      { id: controlId(q), class: "field", "aria-describedby": errorId(q) },
      h("legend", {}, ...labelText(q)),
      ...boxes,
      error,
    );
  }
  if (q.kind === "boolean") {
    const attrs: Record<string, string> = {
      id: controlId(q),
      type: "checkbox",
      "aria-describedby": errorId(q),
    };
    if (q.required) attrs.required = "";
    return h(
      "div",
      { class: "field" },
      h(
        "div",
        { class: "check" },
        h("input", attrs),
        h("label", { for: controlId(q) }, ...labelText(q)),
      ),
      error,
    );
  }
  return h(
    "div",
    { class: "field" },
    h("label", { for: controlId(q) }, ...labelText(q)),
    control(q),
    error,
  );
}

export function renderQuestions(container: HTMLElement, questions: Question[]): void {
  container.replaceChildren(...questions.map(field));
}

/** The answers to send: unanswered optional questions are left out. */
export function collectAnswers(questions: Question[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    const el = byId<HTMLInputElement>(controlId(q));
    if (q.kind === "multichoice") {
      const picked = [...el.querySelectorAll<HTMLInputElement>("input:checked")].map(
        (box) => box.value,
      );
      if (picked.length > 0) answers[q.id] = picked;
    } else if (q.kind === "boolean") {
      if (el.checked || !q.required) answers[q.id] = el.checked;
    } else if (q.kind === "number") {
      // A number the browser cannot read is sent as typed: the API names the field.
      if (el.value.trim() !== "") answers[q.id] = Number(el.value);
      else if (el.validity.badInput) answers[q.id] = "not a number";
    } else if (el.value.trim() !== "") {
      answers[q.id] = el.value.trim();
    }
  }
  return answers;
}

export function clearAnswerErrors(questions: Question[]): void {
  for (const q of questions) {
    byId(controlId(q)).removeAttribute("aria-invalid");
    byId(errorId(q)).textContent = "";
  }
}

/** Plain words for the API's terse refusals of an answer. */
function hint(q: Question, message: string): string {
  if (q.kind === "boolean" && message.startsWith("required"))
    return "Please tick this box to continue.";
  if (message === "required" || message.startsWith("required: must not be empty"))
    return "Please answer this question.";
  if (message.startsWith("pick at least")) return `Please ${message}.`;
  if (q.kind === "number" && /number/.test(message)) return "Please enter a number.";
  const text = message.trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}`;
}

/** Shows an API refusal of `answers.<id>` at its question; false when it names none of them. */
export function showAnswerError(questions: Question[], field: string, message: string): boolean {
  const q = questions.find((candidate) => field === `answers.${candidate.id}`);
  if (!q) return false;
  const el = byId(controlId(q));
  el.setAttribute("aria-invalid", "true");
  byId(errorId(q)).textContent = hint(q, message);
  (q.kind === "multichoice" ? el.querySelector<HTMLInputElement>("input") : el)?.focus();
  return true;
}
