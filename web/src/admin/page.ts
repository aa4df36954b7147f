/**
 * What the business app hands the pages that live in modules of their own (weekly hours,
 * catalog, settings): the caller, the signed-in account and its capabilities, the catalog lists
 * the shell keeps, and the form helpers every page shares (an API refusal beside its field).
 */
import type { ApiFailure } from "../api.ts";
import { byId } from "../dom.ts";
import { explain } from "../messages.ts";
import { at } from "./i18n.ts";
import type { Account, Capabilities } from "./roles.ts";
import type { Caller } from "./session.ts";

export interface CatalogService {
  id: string;
  name: string;
  description: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  price: { amountMinor: number; currency: string };
  active: boolean;
}

export interface CatalogStaff {
  id: string;
  name: string;
  email: string;
  timeZone: string | null;
  serviceIds: string[];
  active: boolean;
}

export interface PageContext {
  api: Caller;
  account: Account;
  caps: Capabilities;
  staff: () => CatalogStaff[];
  services: () => CatalogService[];
  /** Reads the staff and service lists again (after the catalog changed them). */
  reloadCatalog: () => Promise<void>;
  alert: (text: string | undefined) => void;
  announce: (text: string) => void;
}

/** A page in a module of its own: drawn into its `<section>` each time it is opened. */
export interface Page {
  open: (ctx: PageContext) => Promise<void>;
}

export function failureText(failure: ApiFailure): string {
  if (failure.status === 403) return at().forbidden;
  return explain(failure).text;
}

/** The field an API refusal names: "body.noShowLimit.count: …" → "noShowLimit.count". */
export function refusedField(message: string): string | undefined {
  return /^body\.([\w.]+)/.exec(message)?.[1];
}

/** Shows (or clears, with "") a message under a control, marking it invalid for assistive tech. */
export function fieldError(id: string, text: string): void {
  const input = byId(id);
  const describedBy = input.getAttribute("aria-describedby") ?? `${id}-error`;
  const box = document.getElementById(describedBy.split(" ")[0] ?? "");
  if (box) box.textContent = text;
  if (text) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}
