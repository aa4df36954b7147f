/**
 * The catalog page (owner, manager): the services (name, duration, price, buffers, active) and
 * the staff (name, email, zone, services, active), each a list with one form that creates or, once
 * an entry's Edit is chosen, changes it. The API's refusal is shown beside the field it names.
 */
import { byId, h } from "../dom.ts";
import { formatLocale } from "../time.ts";
import { stripField } from "../messages.ts";
import { minorUnits } from "./amounts.ts";
import { at } from "./i18n.ts";
import {
  type CatalogService,
  type CatalogStaff,
  failureText,
  fieldError,
  type Page,
  type PageContext,
  refusedField,
} from "./page.ts";

let ctx: PageContext;
let editingService: string | undefined;
let editingStaff: string | undefined;
/** The page's own lists, inactive entries included (the shell's lists hold active ones only). */
let services: CatalogService[] = [];
let staff: CatalogStaff[] = [];

export const catalogPage: Page = {
  async open(c) {
    ctx = c;
    await loadLists();
    drawServices();
    drawStaff();
  },
};

async function loadLists(): Promise<void> {
  const [s, m] = await Promise.all([
    ctx.api<{ services: CatalogService[] }>("GET", "/v1/admin/services?includeInactive=true"),
    ctx.api<{ staff: CatalogStaff[] }>("GET", "/v1/admin/staff?includeInactive=true"),
  ]);
  if (!s.ok) return ctx.alert(failureText(s));
  if (!m.ok) return ctx.alert(failureText(m));
  services = s.body.services;
  staff = m.body.staff;
}

/** After a change: this page's lists and the shell's (the day views, the hours page). */
async function reload(): Promise<void> {
  await Promise.all([loadLists(), ctx.reloadCatalog()]);
}

function price(p: CatalogService["price"]): string {
  return new Intl.NumberFormat(formatLocale(), { style: "currency", currency: p.currency }).format(
    p.amountMinor / 100,
  );
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  control.setAttribute("aria-describedby", `${id}-error`);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    h("p", { id: `${id}-error`, class: "field-error" }),
  );
}

function check(id: string, label: string, checked: boolean): HTMLElement {
  const input = h("input", { id, type: "checkbox" });
  input.checked = checked;
  return h("div", { class: "check" }, input, h("label", { for: id }, label));
}

const text = (id: string, value: string, attrs: Record<string, string> = {}) => {
  const input = h("input", { id, type: "text", autocomplete: "off", ...attrs });
  input.value = value;
  return input;
};
const number = (id: string, value: number) =>
  text(id, String(value), { type: "number", inputmode: "numeric", step: "1", min: "0" });

// ---- services ----------------------------------------------------------------------------

function drawServices(): void {
  const m = at();
  const list = services;
  byId("service-list").replaceChildren(
    ...list.map((s) => {
      const edit = h(
        "button",
        { type: "button", class: "secondary small", "aria-label": m.editNamed(s.name) },
        m.edit,
      );
      edit.addEventListener("click", () => {
        editingService = s.id;
        drawServiceForm(s);
        byId("service-name").focus();
      });
      return h(
        "li",
        { class: "closure", "data-id": s.id, "data-active": String(s.active) },
        h(
          "span",
          {},
          `${s.name} · ${m.minutes(s.durationMin)} · ${price(s.price)}${s.active ? "" : ` · ${m.inactive}`}`,
        ),
        edit,
      );
    }),
  );
  drawServiceForm(list.find((s) => s.id === editingService));
}

function drawServiceForm(s: CatalogService | undefined): void {
  const m = at();
  editingService = s?.id;
  const currency = s?.price.currency ?? services[0]?.price.currency ?? "EUR";
  const amount = s ? (s.price.amountMinor / 100).toFixed(2) : "";
  const form = byId("service-form");
  form.replaceChildren(
    h("h3", { id: "service-form-title" }, s ? m.editService(s.name) : m.newService),
    field("service-name", m.serviceName, text("service-name", s?.name ?? "", { maxlength: "200" })),
    h(
      "div",
      { class: "filters" },
      field(
        "service-durationMin",
        m.durationMin,
        number("service-durationMin", s?.durationMin ?? 30),
      ),
      field(
        "service-bufferBeforeMin",
        m.bufferBeforeMin,
        number("service-bufferBeforeMin", s?.bufferBeforeMin ?? 0),
      ),
      field(
        "service-bufferAfterMin",
        m.bufferAfterMin,
        number("service-bufferAfterMin", s?.bufferAfterMin ?? 0),
      ),
    ),
    h(
      "div",
      { class: "filters" },
      field("service-price", m.priceLabel, text("service-price", amount, { inputmode: "decimal" })),
      field(
        "service-currency",
        m.currencyLabel,
        text("service-currency", currency, { maxlength: "3" }),
      ),
    ),
    check("service-active", m.activeService, s?.active ?? true),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "service-save" }, s ? m.saveChanges : m.addService),
      ...(s ? [cancelEdit(() => drawServiceForm(undefined))] : []),
    ),
  );
}

function cancelEdit(run: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "secondary" }, at().newInstead);
  b.addEventListener("click", run);
  return b;
}

byId("service-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  const ids = [
    "service-name",
    "service-durationMin",
    "service-bufferBeforeMin",
    "service-bufferAfterMin",
    "service-price",
    "service-currency",
  ];
  for (const id of ids) fieldError(id, "");
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const amountMinor = minorUnits(value("service-price"));
  if (!Number.isFinite(amountMinor)) {
    fieldError("service-price", m.amountNeeded);
    return byId("service-price").focus();
  }
  const body = {
    name: value("service-name"),
    durationMin: Number(value("service-durationMin")),
    bufferBeforeMin: Number(value("service-bufferBeforeMin")),
    bufferAfterMin: Number(value("service-bufferAfterMin")),
    price: { amountMinor, currency: value("service-currency").toUpperCase() },
    active: byId<HTMLInputElement>("service-active").checked,
  };
  const result = editingService
    ? await ctx.api<CatalogService>(
        "PATCH",
        `/v1/admin/services/${encodeURIComponent(editingService)}`,
        body,
      )
    : await ctx.api<CatalogService>("POST", "/v1/admin/services", body);
  if (!result.ok) return refuse(result, "service");
  ctx.alert(undefined);
  ctx.announce(m.serviceSaved(result.body.name));
  editingService = undefined;
  await reload();
  drawServices();
  drawStaff();
  byId("service-list").dataset.saved = result.body.id;
});

/** Puts a 400/409 beside the field it names (`body.price.currency` → `service-currency`). */
function refuse(
  result: { status: number; message: string } & Parameters<typeof failureText>[0],
  prefix: string,
): void {
  // The most precise control first: `body.price.currency` → `service-currency`, then `service-price`.
  const path = (refusedField(result.message) ?? "").split(".");
  const candidates = [`${prefix}-${path[path.length - 1]}`, `${prefix}-${path[0]}`];
  const id = candidates.find((candidate) => candidate && document.getElementById(candidate));
  if ((result.status === 400 || result.status === 409) && id) {
    fieldError(id, stripField(result.message));
    byId(id).focus();
    return;
  }
  ctx.alert(failureText(result));
}

// ---- staff -------------------------------------------------------------------------------

function drawStaff(): void {
  const m = at();
  const list = staff;
  byId("staff-list").replaceChildren(
    ...list.map((s) => {
      const edit = h(
        "button",
        { type: "button", class: "secondary small", "aria-label": m.editNamed(s.name) },
        m.edit,
      );
      edit.addEventListener("click", () => {
        editingStaff = s.id;
        drawStaffForm(s);
        byId("member-name").focus();
      });
      const names = s.serviceIds
        .map((id) => services.find((x) => x.id === id)?.name)
        .filter(Boolean)
        .join(", ");
      return h(
        "li",
        { class: "closure", "data-id": s.id, "data-active": String(s.active) },
        h(
          "span",
          {},
          `${s.name} · ${s.timeZone ?? m.businessZone}${names ? ` · ${names}` : ""}${s.active ? "" : ` · ${m.inactive}`}`,
        ),
        edit,
      );
    }),
  );
  drawStaffForm(list.find((s) => s.id === editingStaff));
}

function drawStaffForm(s: CatalogStaff | undefined): void {
  const m = at();
  editingStaff = s?.id;
  byId("member-form").replaceChildren(
    h("h3", { id: "member-form-title" }, s ? m.editStaff(s.name) : m.newStaff),
    h(
      "div",
      { class: "filters" },
      field("member-name", m.accountName, text("member-name", s?.name ?? "", { maxlength: "200" })),
      field("member-email", m.emailLabel, text("member-email", s?.email ?? "", { type: "email" })),
    ),
    field(
      "member-timeZone",
      m.staffZone,
      text("member-timeZone", s?.timeZone ?? "", { placeholder: "Europe/Berlin" }),
    ),
    h(
      "fieldset",
      { class: "field", id: "member-serviceIds", "aria-describedby": "member-serviceIds-error" },
      h("legend", {}, m.staffServices),
      ...(services.length
        ? services.map((x) =>
            check(`member-service-${x.id}`, x.name, s?.serviceIds.includes(x.id) ?? false),
          )
        : [h("p", { class: "muted" }, m.noServices)]),
      h("p", { id: "member-serviceIds-error", class: "field-error" }),
    ),
    check("member-active", m.activeStaff, s?.active ?? true),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "member-save" }, s ? m.saveChanges : m.addStaff),
      ...(s ? [cancelEdit(() => drawStaffForm(undefined))] : []),
    ),
  );
}

byId("member-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const m = at();
  for (const id of ["member-name", "member-email", "member-timeZone"]) fieldError(id, "");
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const body = {
    name: value("member-name"),
    email: value("member-email"),
    timeZone: value("member-timeZone") || null,
    serviceIds: services
      .filter((x) => byId<HTMLInputElement>(`member-service-${x.id}`).checked)
      .map((x) => x.id),
    active: byId<HTMLInputElement>("member-active").checked,
  };
  const result = editingStaff
    ? await ctx.api<CatalogStaff>(
        "PATCH",
        `/v1/admin/staff/${encodeURIComponent(editingStaff)}`,
        body,
      )
    : await ctx.api<CatalogStaff>("POST", "/v1/admin/staff", body);
  if (!result.ok) return refuse(result, "member");
  ctx.alert(undefined);
  ctx.announce(m.staffSaved(result.body.name));
  editingStaff = undefined;
  await reload();
  drawStaff();
  byId("staff-list").dataset.saved = result.body.id;
});
