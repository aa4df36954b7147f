/**
 * The owner's webhooks page: the endpoints (URL, events, active or disabled and why), a new one
 * with its events ticked from the API's own list (api-lists.ts) and its signing secret shown
 * once, a new secret (shown once), switching one off and on, removing one, and its recent
 * delivery attempts (event, attempt, the receiver's status). `webhooks:manage` is not a
 * manager's (src/http/admin-scopes.ts): the tab shows to owners only, the API refuses others.
 */
import { h } from "../dom.ts";
import { formatClock, formatDay } from "../time.ts";
import { WEBHOOK_EVENT_TYPES } from "./api-lists.ts";
import { ow } from "./i18n.ts";
import {
  checkboxGroup,
  confirmInline,
  type OwnerPage,
  type PageContext,
  pageShell,
  secretBox,
  textField,
} from "./owner-kit.ts";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  disabledReason: string | null;
}

interface Attempt {
  id: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  attemptedAt: string;
}

/** How many attempts a endpoint's list shows (the API keeps more). */
const DELIVERIES_SHOWN = 20;

const when = (iso: string) => `${formatDay(iso.slice(0, 10))} ${formatClock(iso)}`;

export function webhooksPage(ctx: () => PageContext): OwnerPage {
  const m = ow();
  const shell = pageShell("webhooks", m.hooksTitle, m.hooksIntro);
  const secret = secretBox("hook-secret");
  const url = textField("hook-url", m.hookUrl, {
    type: "url",
    inputmode: "url",
    maxlength: "2000",
    autocomplete: "off",
    spellcheck: "false",
    required: "",
    placeholder: "https://",
  });
  const events = checkboxGroup("hook-events", m.hookEvents, WEBHOOK_EVENT_TYPES, () => undefined);
  const form = h(
    "form",
    { id: "hook-form", class: "card", novalidate: "" },
    h("h3", {}, m.newHook),
    url.element,
    events.element,
    h("button", { type: "submit" }, m.createHook),
  );
  const list = h("ul", { id: "hook-list", class: "appt-list" });
  shell.section.append(secret.element, form, list);

  async function load(): Promise<void> {
    const { api, alert, failureText } = ctx();
    const result = await api<{ webhooks: Webhook[] }>("GET", "/v1/admin/webhooks");
    if (!result.ok) return alert(failureText(result));
    list.replaceChildren(
      ...(result.body.webhooks.length === 0
        ? [h("li", { class: "muted" }, m.noHooks)]
        : result.body.webhooks.map(hookItem)),
    );
  }

  /** Calls the API for one endpoint; on success announces and redraws the list. */
  async function act(
    method: string,
    path: string,
    body: unknown,
    done: (answer: unknown) => void,
  ): Promise<void> {
    const { api, alert, failureText } = ctx();
    const result = await api(method, path, body);
    if (!result.ok) return alert(failureText(result));
    alert(undefined);
    await load();
    done(result.body);
  }

  function hookItem(hook: Webhook): HTMLElement {
    const path = `/v1/admin/webhooks/${encodeURIComponent(hook.id)}`;
    const state = hook.disabledReason
      ? m.hookDisabled(hook.disabledReason)
      : hook.active
        ? m.hookActive
        : m.hookInactive;
    const item = h(
      "li",
      {
        class: "item card",
        "data-id": hook.id,
        "data-active": String(hook.active),
      },
      h(
        "div",
        { class: "item-body" },
        h("strong", { class: "url", id: `hook-${hook.id}` }, hook.url),
        h(
          "span",
          { class: `badge ${hook.active ? "status-attended" : "status-cancelled"}` },
          state,
        ),
        h("span", { class: "chips" }, ...hook.events.map((e) => h("code", { class: "chip" }, e))),
      ),
    );
    // Each button says which endpoint it acts on (the list repeats the same words).
    const button = (kind: string, words: string) =>
      h(
        "button",
        { type: "button", class: `secondary small ${kind}`, "aria-describedby": `hook-${hook.id}` },
        words,
      );
    const rotate = button("rotate", m.rotate);
    const toggle = button("toggle", hook.active ? m.switchOff : m.switchOn);
    const remove = button("remove", m.remove);
    const ask = (button: HTMLElement, question: string, yes: string, run: () => Promise<void>) => {
      button.addEventListener("click", () => {
        if (item.querySelector(".confirm")) return;
        item.append(confirmInline(question, yes, m.keepIt, run, button));
      });
    };
    ask(rotate, m.confirmRotate, m.yesRotate, () =>
      act("POST", `${path}/rotate-secret`, undefined, (answer) => {
        ctx().announce(m.rotated);
        secret.show(m.rotated, (answer as { secret: string }).secret);
      }),
    );
    ask(remove, m.confirmRemove(hook.url), m.yesRemove, () =>
      act("DELETE", path, undefined, () => {
        ctx().announce(m.removed);
        document.getElementById(shell.titleId)?.focus();
      }),
    );
    toggle.addEventListener("click", () =>
      act("PATCH", path, { active: !hook.active }, () => {
        list.querySelector<HTMLButtonElement>(`li[data-id="${hook.id}"] .toggle`)?.focus();
      }),
    );
    const deliveries = h("ul", { class: "deliveries" });
    const details = h(
      "details",
      { class: "deliveries-box" },
      h("summary", {}, m.deliveries),
      deliveries,
    );
    details.addEventListener("toggle", () => {
      if (details.open) void loadDeliveries(path, deliveries);
    });
    item.append(h("div", { class: "actions" }, rotate, toggle, remove), details);
    return item;
  }

  async function loadDeliveries(path: string, into: HTMLElement): Promise<void> {
    const { api, alert, failureText } = ctx();
    const result = await api<{ deliveries: Attempt[] }>(
      "GET",
      `${path}/deliveries?limit=${DELIVERIES_SHOWN}`,
    );
    if (!result.ok) return alert(failureText(result));
    into.replaceChildren(
      ...(result.body.deliveries.length === 0
        ? [h("li", { class: "muted" }, m.noDeliveries)]
        : result.body.deliveries.map((a) => {
            const ok = a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300;
            const code = a.statusCode === null ? m.noAnswer : String(a.statusCode);
            return h(
              "li",
              { class: "delivery", "data-status": String(a.statusCode ?? "none") },
              h("span", {}, m.attemptLine(a.eventType, a.attempt, when(a.attemptedAt))),
              h("span", { class: `badge ${ok ? "status-attended" : "status-cancelled"}` }, code),
              ...(a.error ? [h("span", { class: "muted" }, a.error)] : []),
            );
          })),
    );
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { api, alert, announce, failureText } = ctx();
    const address = url.input.value.trim();
    const chosen = events.checked();
    url.error(address ? "" : m.hookUrl);
    events.error(chosen.length ? "" : m.eventsNeeded);
    if (!address) return url.input.focus();
    if (!chosen.length) return events.element.querySelector("input")?.focus();
    const result = await api<{ webhook: Webhook; secret: string }>("POST", "/v1/admin/webhooks", {
      url: address,
      events: chosen,
    });
    if (!result.ok) {
      // The refusal names its field (`body.url: …`): the words go beside it.
      if (result.status === 400 && /events/.test(result.message)) {
        events.error(result.message);
        return events.element.querySelector("input")?.focus();
      }
      if (result.status === 400) {
        url.error(result.message);
        return url.input.focus();
      }
      return alert(failureText(result));
    }
    alert(undefined);
    url.input.value = "";
    events.clear();
    announce(m.hookCreated);
    await load();
    secret.show(m.hookCreated, result.body.secret);
  });

  return { view: "webhooks", ...shell, load };
}
