/**
 * The booking page's "Notify me": joining the waitlist for a date with no free time
 * (`POST /v1/waitlist`, optionally a window of local start times), then confirming it with the
 * 6-digit code the API emails (`POST /v1/waitlist/{id}/confirm`). The API refuses a date that
 * has free time; the page offers the action only for a full date.
 */
import { call } from "./api.ts";
import { byId } from "./dom.ts";
import { currentLocale, t } from "./i18n/index.ts";
import { explain, fieldOf, stripField } from "./messages.ts";
import { formatDay } from "./time.ts";

export interface NotifyHost {
  announce: (text: string) => void;
  alert: (text: string | undefined, retry?: { label: string; run: () => void }) => void;
}

interface Wanted {
  serviceId: string;
  staffId: string | null;
  date: string;
}

/** The API's field → the form's input (ids in index.html). */
const FIELDS: Record<string, string> = {
  name: "wl-name",
  email: "wl-email",
  from: "wl-from",
  to: "wl-to",
  code: "wl-code",
};

export class NotifyForm {
  private wanted: Wanted | undefined;
  private entry: { id: string; token: string; date: string } | undefined;
  private busy = false;
  private readonly section = byId("notify");
  private readonly joinForm = byId<HTMLFormElement>("notify-form");
  private readonly codeForm = byId<HTMLFormElement>("code-form");
  private readonly done = byId("notify-done");

  constructor(private readonly host: NotifyHost) {
    this.joinForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.join();
    });
    this.codeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.confirm();
    });
    byId("notify-close").addEventListener("click", () => this.close());
  }

  /** Opens the form for `wanted` (a full date) and focuses its title. */
  open(wanted: Wanted): void {
    this.wanted = wanted;
    this.entry = undefined;
    this.clearErrors();
    byId("notify-title").textContent = t().waitlistTitle(formatDay(wanted.date));
    this.joinForm.hidden = false;
    this.codeForm.hidden = true;
    this.done.hidden = true;
    this.section.hidden = false;
    byId("notify-title").focus();
  }

  close(): void {
    this.section.hidden = true;
    this.wanted = undefined;
  }

  private value(id: string): string {
    return byId<HTMLInputElement>(id).value.trim();
  }

  private clearErrors(): void {
    for (const id of Object.values(FIELDS)) {
      byId(id).removeAttribute("aria-invalid");
      byId(`${id}-error`).textContent = "";
    }
  }

  /** Shows a refusal that names a field beside that field; false when it names none here. */
  private fieldError(message: string, words?: string): boolean {
    const field = fieldOf(message);
    const id = field ? FIELDS[field] : undefined;
    if (!id) return false;
    const input = byId(id);
    input.setAttribute("aria-invalid", "true");
    byId(`${id}-error`).textContent = words ?? stripField(message);
    input.focus();
    return true;
  }

  private async join(): Promise<void> {
    const wanted = this.wanted;
    if (!wanted || this.busy) return;
    this.busy = true;
    const button = byId<HTMLButtonElement>("notify-join");
    button.disabled = true;
    button.textContent = t().joining;
    this.clearErrors();
    const from = this.value("wl-from");
    const to = this.value("wl-to");
    const result = await call<{ entry: { id: string; date: string }; token: string }>(
      "POST",
      "/v1/waitlist",
      {
        body: {
          serviceId: wanted.serviceId,
          staffId: wanted.staffId,
          date: wanted.date,
          ...(from ? { from: from.slice(0, 5) } : {}),
          ...(to ? { to: to.slice(0, 5) } : {}),
          name: this.value("wl-name"),
          email: this.value("wl-email"),
          locale: currentLocale(),
        },
      },
    );
    this.busy = false;
    button.disabled = false;
    button.textContent = t().notifyMe;
    if (!result.ok) {
      const { text, retry } = explain(result);
      const words =
        fieldOf(result.message) === "email" && currentLocale() !== "en" ? t().hintEmail : undefined;
      if (
        (result.code === "BAD_REQUEST" || result.code === "CONFLICT") &&
        this.fieldError(result.message, result.code === "CONFLICT" ? text : words)
      ) {
        this.host.alert(undefined);
        return;
      }
      this.host.alert(text, retry ? { label: retry, run: () => void this.join() } : undefined);
      return;
    }
    this.host.alert(undefined);
    this.entry = { id: result.body.entry.id, token: result.body.token, date: wanted.date };
    this.joinForm.hidden = true;
    byId("code-sent").textContent = t().codeSent(this.value("wl-email"));
    this.codeForm.hidden = false;
    byId("wl-code").focus();
    this.host.announce(t().codeSent(this.value("wl-email")));
  }

  private async confirm(): Promise<void> {
    const entry = this.entry;
    if (!entry || this.busy) return;
    this.clearErrors();
    const code = this.value("wl-code");
    if (!/^\d{6}$/.test(code)) {
      this.fieldError("body.code: ", t().hintCode);
      return;
    }
    this.busy = true;
    const button = byId<HTMLButtonElement>("code-confirm");
    button.disabled = true;
    const result = await call("POST", `/v1/waitlist/${encodeURIComponent(entry.id)}/confirm`, {
      body: { code },
    });
    this.busy = false;
    button.disabled = false;
    if (!result.ok) {
      if (result.code === "UNAUTHORIZED" || result.code === "BAD_REQUEST") {
        this.fieldError("body.code: ", t().hintCode);
        return;
      }
      const { text, retry } = explain(result);
      this.host.alert(text, retry ? { label: retry, run: () => void this.confirm() } : undefined);
      return;
    }
    this.host.alert(undefined);
    this.codeForm.hidden = true;
    this.done.textContent = t().onWaitlist(formatDay(entry.date));
    this.done.hidden = false;
    this.done.focus();
    this.host.announce(t().onWaitlist(formatDay(entry.date)));
  }
}
