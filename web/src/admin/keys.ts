/**
 * The owner's API keys page: the keys (name, prefix, scopes, expiry, revoked), a new key with
 * the scopes ticked from the API's own list (api-lists.ts), its secret shown once, and revoking
 * with a confirmation. `keys:manage` is the owner's alone (src/http/admin-scopes.ts); the app
 * shows the tab to owners only, the API refuses anyone else with 403 all the same.
 */
import { h } from "../dom.ts";
import { formatDay } from "../time.ts";
import { SCOPES } from "./api-lists.ts";
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

export interface ApiKey {
  id: string;
  prefix: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The end of a local date, as the instant the API takes (`expiresAt` with an offset). */
export function endOfLocalDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

/** A key's state as the list shows it. */
export function keyState(key: ApiKey, nowMs: number): "active" | "revoked" | "expired" {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= nowMs) return "expired";
  return "active";
}

export function keysPage(ctx: () => PageContext): OwnerPage {
  const m = ow();
  const shell = pageShell("keys", m.keysTitle, m.keysIntro);
  const secret = secretBox("key-secret");
  const name = textField("key-name", m.keyName, { type: "text", maxlength: "100", required: "" });
  const expiry = textField("key-expiry", m.keyExpiry, { type: "date" }, m.keyExpiryHint);
  const scopes = checkboxGroup("key-scopes", m.keyScopes, SCOPES, (s) => m.scopeHints[s]);
  const form = h(
    "form",
    { id: "key-form", class: "card", novalidate: "" },
    h("h3", {}, m.newKey),
    name.element,
    expiry.element,
    scopes.element,
    h("button", { type: "submit" }, m.createKey),
  );
  const list = h("ul", { id: "key-list", class: "appt-list" });
  shell.section.append(secret.element, form, list);

  async function load(): Promise<void> {
    const { api, alert, failureText } = ctx();
    const result = await api<{ apiKeys: ApiKey[] }>("GET", "/v1/admin/api-keys");
    if (!result.ok) return alert(failureText(result));
    const now = Date.now();
    list.replaceChildren(
      ...(result.body.apiKeys.length === 0
        ? [h("li", { class: "muted" }, m.noKeys)]
        : result.body.apiKeys.map((key) => keyItem(key, keyState(key, now)))),
    );
  }

  function keyItem(key: ApiKey, state: "active" | "revoked" | "expired"): HTMLElement {
    const facts = [
      m.keyFacts(key.prefix, formatDay(key.createdAt.slice(0, 10))),
      key.expiresAt ? m.expires(formatDay(key.expiresAt.slice(0, 10))) : m.neverExpires,
    ].join(" · ");
    const body = h(
      "div",
      { class: "item-body" },
      h("strong", {}, key.name),
      h("span", { class: "muted item-facts" }, facts),
      h("span", { class: "chips" }, ...key.scopes.map((s) => h("code", { class: "chip" }, s))),
    );
    const item = h("li", { class: "item card", "data-id": key.id, "data-state": state }, body);
    if (state !== "active") {
      item.append(
        h("span", { class: "badge status-cancelled" }, state === "revoked" ? m.revoked : m.expired),
      );
      return item;
    }
    const revoke = h(
      "button",
      { type: "button", class: "secondary small revoke", "aria-label": m.revoke(key.name) },
      m.revokeButton,
    );
    revoke.addEventListener("click", () => {
      if (item.querySelector(".confirm")) return;
      item.append(
        confirmInline(
          m.confirmRevoke(key.name),
          m.yesRevoke,
          m.keepIt,
          async () => {
            const { api, alert, announce, failureText } = ctx();
            const done = await api("DELETE", `/v1/admin/api-keys/${encodeURIComponent(key.id)}`);
            if (!done.ok) return alert(failureText(done));
            alert(undefined);
            announce(m.keyRevoked(key.name));
            await load();
            document.getElementById(shell.titleId)?.focus();
          },
          revoke,
        ),
      );
    });
    item.append(revoke);
    return item;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { api, alert, announce, failureText } = ctx();
    const keyName = name.input.value.trim();
    const chosen = scopes.checked();
    name.error(keyName ? "" : m.keyName);
    scopes.error(chosen.length ? "" : m.scopesNeeded);
    expiry.error("");
    if (!keyName) return name.input.focus();
    if (!chosen.length) return scopes.element.querySelector("input")?.focus();
    const body: Record<string, unknown> = { name: keyName, scopes: chosen };
    if (expiry.input.value) body.expiresAt = endOfLocalDay(expiry.input.value);
    const result = await api<ApiKey & { key: string }>("POST", "/v1/admin/api-keys", body);
    if (!result.ok) {
      // The refusal names its field (`body.expiresAt: …`): the words go beside that field.
      if (result.status === 400 && /expiresAt/.test(result.message)) {
        expiry.error(result.message);
        return expiry.input.focus();
      }
      if (result.status === 400 && /name/.test(result.message)) {
        name.error(result.message);
        return name.input.focus();
      }
      if (result.status === 400 || result.status === 403) {
        scopes.error(result.status === 403 ? failureText(result) : result.message);
        return scopes.element.querySelector("input")?.focus();
      }
      return alert(failureText(result));
    }
    alert(undefined);
    name.input.value = "";
    expiry.input.value = "";
    scopes.clear();
    announce(m.keyCreated(result.body.name));
    await load();
    secret.show(m.keyCreated(result.body.name), result.body.key);
  });

  return { view: "keys", ...shell, load };
}
