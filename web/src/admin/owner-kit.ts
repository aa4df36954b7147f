/**
 * What the owner's pages (keys.ts, webhooks.ts) share: the app's calls and notices they are given,
 * the box that shows a secret once, an inline "are you sure?", and a group of checkboxes.
 * Each page builds its own section, so the app only registers it (app.ts, `OWNER_PAGES`).
 */
import type { ApiFailure } from "../api.ts";
import { h } from "../dom.ts";
import { ow } from "./i18n.ts";
import type { Caller } from "./session.ts";

/** What the app lends a page: its authenticated calls and its live regions. */
export interface PageContext {
  api: Caller;
  alert: (text: string | undefined) => void;
  announce: (text: string) => void;
  failureText: (failure: ApiFailure) => string;
}

/** A page of the app: its tab, its section, and what to do when it is shown. */
export interface OwnerPage {
  view: string;
  tab: HTMLButtonElement;
  section: HTMLElement;
  titleId: string;
  load(): Promise<void>;
}

export function pageShell(
  id: string,
  title: string,
  intro: string,
): { tab: HTMLButtonElement; section: HTMLElement; titleId: string } {
  const tab = h(
    "button",
    { type: "button", id: `tab-${id}`, class: "tab", "data-view": id },
    title,
  );
  tab.hidden = true;
  const titleId = `${id}-title`;
  const section = h(
    "section",
    { id, "aria-labelledby": titleId },
    h("h2", { id: titleId, class: "section-title", tabindex: "-1" }, title),
    h("p", { class: "muted" }, intro),
  );
  section.hidden = true;
  return { tab, section, titleId };
}

/**
 * A secret shown this once: its words, the value in a read-only field (selectable by hand), a
 * copy button, and "I have copied it", which removes the value from the page.
 */
export function secretBox(id: string): {
  element: HTMLElement;
  show(lead: string, secret: string): void;
} {
  const m = ow();
  const lead = h("p", { id: `${id}-lead`, class: "secret-lead" });
  const once = h("p", { class: "secret-once" }, m.secretOnce);
  const value = h("input", {
    id: `${id}-value`,
    class: "secret-value",
    type: "text",
    readonly: "",
    spellcheck: "false",
    autocomplete: "off",
    "aria-labelledby": `${id}-lead`,
    "aria-describedby": `${id}-once`,
  });
  once.id = `${id}-once`;
  const copy = h("button", { type: "button", id: `${id}-copy` }, m.copy);
  const done = h("button", { type: "button", id: `${id}-done`, class: "secondary" }, m.done);
  const status = h("p", { class: "muted", "aria-live": "polite" });
  const element = h(
    "div",
    { id, class: "card secret", tabindex: "-1" },
    lead,
    value,
    once,
    h("div", { class: "actions" }, copy, done),
    status,
  );
  element.hidden = true;
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value.value);
      status.textContent = m.copied;
    } catch {
      value.select();
      status.textContent = m.copyFailed;
    }
  });
  done.addEventListener("click", () => {
    value.value = "";
    element.hidden = true;
    status.textContent = "";
  });
  return {
    element,
    show: (text, secret) => {
      lead.textContent = text;
      value.value = secret;
      status.textContent = "";
      element.hidden = false;
      value.focus();
      value.select();
    },
  };
}

/** An inline question with a dangerous yes and a safe no (focus goes to the yes, then back). */
export function confirmInline(
  question: string,
  yes: string,
  no: string,
  onYes: () => Promise<void> | void,
  returnFocus: HTMLElement,
): HTMLElement {
  const yesButton = h("button", { type: "button", class: "danger" }, yes);
  const noButton = h("button", { type: "button", class: "secondary" }, no);
  const box = h(
    "div",
    { class: "confirm", role: "group" },
    h("p", {}, question),
    h("div", { class: "actions" }, yesButton, noButton),
  );
  noButton.addEventListener("click", () => {
    box.remove();
    returnFocus.focus();
  });
  yesButton.addEventListener("click", async () => {
    yesButton.disabled = true;
    await onYes();
    box.remove();
  });
  queueMicrotask(() => yesButton.focus());
  return box;
}

/** A fieldset of checkboxes, one per value, each labelled by its name and an optional hint. */
export function checkboxGroup(
  id: string,
  legend: string,
  values: readonly string[],
  hint: (value: string) => string | undefined,
): { element: HTMLFieldSetElement; checked(): string[]; clear(): void; error(text: string): void } {
  const boxes = values.map((value, i) => {
    const input = h("input", { type: "checkbox", id: `${id}-${i}`, value });
    const words = hint(value);
    const label = h("label", { for: `${id}-${i}` }, h("code", {}, value));
    if (words) label.append(h("span", { class: "hint" }, ` ${words}`));
    return { input, row: h("div", { class: "check" }, input, label) };
  });
  const errorText = h("p", { id: `${id}-error`, class: "field-error" });
  const element = h(
    "fieldset",
    { id, class: "field", "aria-describedby": `${id}-error` },
    h("legend", {}, legend),
    ...boxes.map((b) => b.row),
    errorText,
  );
  return {
    element,
    checked: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value),
    clear: () => {
      for (const b of boxes) b.input.checked = false;
    },
    error: (text) => {
      errorText.textContent = text;
      if (text) element.setAttribute("aria-invalid", "true");
      else element.removeAttribute("aria-invalid");
    },
  };
}

/** A text field with its label and error line; `error` sets both the words and aria-invalid. */
export function textField(
  id: string,
  label: string,
  attrs: Record<string, string>,
  hint?: string,
): { element: HTMLElement; input: HTMLInputElement; error(text: string): void } {
  const described = hint ? `${id}-hint ${id}-error` : `${id}-error`;
  const input = h("input", { id, "aria-describedby": described, ...attrs });
  const errorText = h("p", { id: `${id}-error`, class: "field-error" });
  const element = h("div", { class: "field" }, h("label", { for: id }, label), input);
  if (hint) element.append(h("p", { id: `${id}-hint`, class: "muted hint" }, hint));
  element.append(errorText);
  return {
    element,
    input,
    error: (text) => {
      errorText.textContent = text;
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    },
  };
}
