/**
 * The settings page (owner, manager): every setting `PUT /v1/admin/settings` accepts, in
 * fieldsets by topic, each with its unit; only changed fields are sent, and the API's refusal
 * (`body.<field>: …`) is shown beside the field it names.
 */
import { byId, h } from "../dom.ts";
import { CATALOGUES, LOCALES } from "../i18n/index.ts";
import { stripField } from "../messages.ts";
import { type AdminMessages, at } from "./i18n.ts";
import { failureText, fieldError, type Page, type PageContext, refusedField } from "./page.ts";

type SettingKey = keyof AdminMessages["settingLabels"];
type Kind = "text" | "email" | "number" | "locale" | "minutesList" | "noShow";
type Unit = "min" | "s" | "days" | "none";
type GroupKey = keyof AdminMessages["settingGroups"];

interface Field {
  key: SettingKey;
  kind: Kind;
  unit: Unit;
}

/** The fields by topic; the order is the page's. */
const GROUPS: { group: GroupKey; fields: Field[] }[] = [
  {
    group: "business",
    fields: [
      { key: "businessName", kind: "text", unit: "none" },
      { key: "timeZone", kind: "text", unit: "none" },
      { key: "defaultLocale", kind: "locale", unit: "none" },
      { key: "operatorEmail", kind: "email", unit: "none" },
    ],
  },
  {
    group: "booking",
    fields: [
      { key: "slotIntervalMin", kind: "number", unit: "min" },
      { key: "minNoticeMin", kind: "number", unit: "min" },
      { key: "horizonDays", kind: "number", unit: "days" },
      { key: "cancelCutoffMin", kind: "number", unit: "min" },
      { key: "rescheduleCutoffMin", kind: "number", unit: "min" },
    ],
  },
  {
    group: "holds",
    fields: [
      { key: "holdTtlS", kind: "number", unit: "s" },
      { key: "holdExtensionCapS", kind: "number", unit: "s" },
      { key: "viewingTtlS", kind: "number", unit: "s" },
      { key: "waitlistOfferTtlS", kind: "number", unit: "s" },
    ],
  },
  {
    group: "limits",
    fields: [
      { key: "maxHeldSlotsPerClient", kind: "number", unit: "none" },
      { key: "maxHeldSlotsPerIp", kind: "number", unit: "none" },
      { key: "noShowLimit", kind: "noShow", unit: "none" },
    ],
  },
  { group: "reminders", fields: [{ key: "reminders", kind: "minutesList", unit: "min" }] },
];
const FIELDS = GROUPS.flatMap((g) => g.fields);

let ctx: PageContext;
let loaded: Record<string, unknown> = {};

export const settingsPage: Page = {
  async open(c) {
    ctx = c;
    const result = await ctx.api<Record<string, unknown>>("GET", "/v1/admin/settings");
    if (!result.ok) return ctx.alert(failureText(result));
    loaded = result.body;
    byId("settings-fields").replaceChildren(
      ...GROUPS.map(({ group, fields }) =>
        h(
          "fieldset",
          { class: "settings-group", id: `settings-${group}` },
          h("legend", {}, at().settingGroups[group]),
          ...fields.map(control),
        ),
      ),
    );
  },
};

function control({ key, kind, unit }: Field): HTMLElement {
  const m = at();
  const id = `setting-${key}`;
  const value = loaded[key];
  const label =
    unit === "none" ? m.settingLabels[key] : `${m.settingLabels[key]} (${m.units[unit]})`;
  const error = h("p", { id: `${id}-error`, class: "field-error" });
  const help = m.settingHelp[key];
  const helpEl = help ? h("p", { id: `${id}-help`, class: "muted field-help" }, help) : undefined;
  const describedBy = helpEl ? `${id}-error ${id}-help` : `${id}-error`;
  if (kind === "locale") {
    const select = h(
      "select",
      { id, "aria-describedby": describedBy },
      ...LOCALES.map((l) => h("option", { value: l, lang: l }, CATALOGUES[l].languageName)),
    );
    select.value = String(value ?? "en");
    return h("div", { class: "field" }, h("label", { for: id }, label), select, error);
  }
  if (kind === "noShow") return noShowControl(value as { count: number; days: number } | null);
  const input = h("input", {
    id,
    type: kind === "number" ? "number" : kind === "email" ? "email" : "text",
    "aria-describedby": describedBy,
    ...(kind === "number" ? { inputmode: "numeric", step: "1" } : {}),
    ...(kind === "minutesList" ? { inputmode: "numeric", autocomplete: "off" } : {}),
  });
  input.value =
    kind === "minutesList"
      ? ((value as number[] | undefined) ?? []).join(", ")
      : value === null || value === undefined
        ? ""
        : String(value);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    error,
    ...(helpEl ? [helpEl] : []),
  );
}

function noShowControl(value: { count: number; days: number } | null): HTMLElement {
  const m = at();
  const on = h("input", {
    id: "setting-noShowLimit",
    type: "checkbox",
    "aria-describedby": "setting-noShowLimit-error",
  });
  on.checked = value !== null;
  const number = (part: "count" | "days", initial: number) => {
    const id = `setting-noShowLimit-${part}`;
    const input = h("input", {
      id,
      type: "number",
      inputmode: "numeric",
      step: "1",
      "aria-describedby": `${id}-error`,
    });
    input.value = String(initial);
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, m.noShowParts[part]),
      input,
      h("p", { id: `${id}-error`, class: "field-error" }),
    );
  };
  const parts = h(
    "div",
    { class: "filters", id: "setting-noShowLimit-parts" },
    number("count", value?.count ?? 2),
    number("days", value?.days ?? 90),
  );
  parts.hidden = !on.checked;
  on.addEventListener("change", () => (parts.hidden = !on.checked));
  return h(
    "div",
    {},
    h(
      "div",
      { class: "check" },
      on,
      h("label", { for: "setting-noShowLimit" }, m.settingLabels.noShowLimit),
    ),
    h("p", { id: "setting-noShowLimit-error", class: "field-error" }),
    parts,
  );
}

/** The value a field's control holds, as the API takes it. */
function controlValue({ key, kind }: Field): unknown {
  const id = `setting-${key}`;
  if (kind === "noShow") {
    if (!byId<HTMLInputElement>(id).checked) return null;
    return {
      count: Number(byId<HTMLInputElement>(`${id}-count`).value),
      days: Number(byId<HTMLInputElement>(`${id}-days`).value),
    };
  }
  const raw = byId<HTMLInputElement | HTMLSelectElement>(id).value.trim();
  if (kind === "number") return raw === "" ? Number.NaN : Number(raw);
  if (kind === "email") return raw === "" ? null : raw;
  if (kind === "minutesList") {
    return raw === ""
      ? []
      : raw
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map(Number);
  }
  return raw;
}

function clearErrors(): void {
  for (const el of byId("settings-fields").querySelectorAll<HTMLElement>("[aria-invalid]")) {
    fieldError(el.id, "");
  }
}

byId("settings-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  clearErrors();
  const patch: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = controlValue(field);
    if (field.kind === "number" && !Number.isFinite(value)) {
      fieldError(`setting-${field.key}`, m.numberNeeded);
      return byId(`setting-${field.key}`).focus();
    }
    if (JSON.stringify(value) !== JSON.stringify(loaded[field.key])) patch[field.key] = value;
  }
  if (Object.keys(patch).length === 0) return ctx.announce(m.settingsSaved);
  const result = await ctx.api<Record<string, unknown>>("PUT", "/v1/admin/settings", patch);
  if (!result.ok) {
    // The refusal names its field (`body.horizonDays: …`, `body.noShowLimit.count: …`).
    const named = refusedField(result.message);
    const id = named ? `setting-${named.replace(/\./g, "-")}` : undefined;
    if (result.status === 400 && id && document.getElementById(id)) {
      fieldError(id, stripField(result.message));
      return byId(id).focus();
    }
    return ctx.alert(failureText(result));
  }
  ctx.alert(undefined);
  loaded = result.body;
  ctx.announce(m.settingsSaved);
});
