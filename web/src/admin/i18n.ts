/**
 * The business app's words: a typed catalogue of its own beside the booking pages' (web/src/i18n),
 * chosen by the same language choice (`startLocale`, `currentLocale`). A language without an
 * admin catalogue yet falls back to English, whole (never half a page in each).
 */
import { currentLocale, type Locale } from "../i18n/index.ts";

export interface AdminMessages {
  title: string;
  skip: string;
  signInTitle: string;
  emailLabel: string;
  sendCode: string;
  codeSent: (email: string) => string;
  codeLabel: string;
  verify: string;
  otherEmail: string;
  signOut: string;
  signedInAs: (name: string, role: string) => string;
  roles: Record<"owner" | "manager" | "staff", string>;
  sessionEnded: string;
  wrongCode: string;
  navLabel: string;
  today: string;
  week: string;
  search: string;
  staffLabel: string;
  everyone: string;
  dateLabel: string;
  previous: string;
  next: string;
  refresh: string;
  loading: string;
  nothingOnDay: string;
  workingHours: (hours: string) => string;
  dayOff: string;
  changedForDate: string;
  changeHours: string;
  hoursFrom: string;
  hoursTo: string;
  saveHours: string;
  useWeekly: string;
  hoursSaved: string;
  hoursNeeded: string;
  closedDay: (reason: string) => string;
  updatedAt: (time: string) => string;
  statuses: Record<"confirmed" | "cancelled" | "attended" | "no_show", string>;
  liveTitle: string;
  liveNone: string;
  liveStates: Record<"available" | "viewing" | "held" | "booked", string>;
  searchTitle: string;
  customerEmail: string;
  fromDate: string;
  find: string;
  noResults: string;
  results: (n: number) => string;
  open: (who: string, when: string) => string;
  detailTitle: string;
  back: string;
  rowStatus: string;
  rowWhen: string;
  rowService: string;
  rowStaff: string;
  rowCustomer: string;
  rowEmail: string;
  rowPhone: string;
  rowNotes: string;
  answersTitle: string;
  noAnswers: string;
  yes: string;
  no: string;
  markAttended: string;
  markNoShow: string;
  undoMark: string;
  cancel: string;
  confirmCancel: string;
  yesCancel: string;
  noKeep: string;
  reschedule: string;
  newDate: string;
  findTimes: string;
  noTimes: string;
  moveTo: (when: string) => string;
  moved: string;
  cancelled: string;
  marked: (status: string) => string;
  forbidden: string;
  closures: string;
  addClosure: string;
  closureStart: string;
  closureEnd: string;
  closureReason: string;
  addClosureButton: string;
  noClosures: string;
  closureRange: (from: string, to: string) => string;
  deleteClosure: (range: string) => string;
  closureAdded: (kept: number) => string;
  closureDeleted: string;
  required: string;
  accounts: string;
  settings: string;
  saveSettings: string;
  settingsSaved: string;
  settingLabels: Record<
    | "businessName"
    | "timeZone"
    | "defaultLocale"
    | "slotIntervalMin"
    | "minNoticeMin"
    | "horizonDays"
    | "cancelCutoffMin"
    | "rescheduleCutoffMin",
    string
  >;
  addAccount: string;
  accountName: string;
  accountRole: string;
  accountStaff: string;
  roleStaff: string;
  roleManager: string;
  roleOwner: string;
  addAccountButton: string;
  accountAdded: (email: string) => string;
  deactivate: (name: string) => string;
  deactivated: string;
  deactivatedAccount: (name: string) => string;
  failed: (message: string) => string;
}

const en: AdminMessages = {
  title: "Business app",
  skip: "Skip to the content",
  signInTitle: "Sign in",
  emailLabel: "Work email",
  sendCode: "Email me a code",
  codeSent: (email) => `If ${email} has an account, a 6-digit code is on its way.`,
  codeLabel: "6-digit code",
  verify: "Sign in",
  otherEmail: "Use another email",
  signOut: "Sign out",
  signedInAs: (name, role) => `${name} (${role})`,
  roles: { owner: "Owner", manager: "Manager", staff: "Staff" },
  sessionEnded: "Your session has ended. Please sign in again.",
  wrongCode: "That code is wrong or has expired.",
  navLabel: "Views",
  today: "Today",
  week: "Week",
  search: "Find appointments",
  staffLabel: "Staff member",
  everyone: "Everyone",
  dateLabel: "Date",
  previous: "Previous",
  next: "Next",
  refresh: "Refresh",
  loading: "Loading…",
  nothingOnDay: "No appointments.",
  workingHours: (hours) => `Working ${hours}`,
  dayOff: "Not working",
  changedForDate: "(changed for this date)",
  changeHours: "Change the hours of this date",
  hoursFrom: "From",
  hoursTo: "To",
  saveHours: "Save the hours",
  useWeekly: "Use the weekly hours",
  hoursSaved: "The hours of this date were saved.",
  hoursNeeded: "Give a start and an end, or tick “Not working”.",
  closedDay: (reason) => `Closed${reason ? `: ${reason}` : ""}`,
  updatedAt: (time) => `Updated ${time}`,
  statuses: {
    confirmed: "Confirmed",
    cancelled: "Cancelled",
    attended: "Attended",
    no_show: "No-show",
  },
  liveTitle: "Next hours",
  liveNone: "No bookable times in the next hours.",
  liveStates: {
    available: "free",
    viewing: "someone is looking",
    held: "held",
    booked: "booked",
  },
  searchTitle: "Find appointments",
  customerEmail: "Customer email",
  fromDate: "On date",
  find: "Find",
  noResults: "No appointments found.",
  results: (n) => `${n} appointment${n === 1 ? "" : "s"} found.`,
  open: (who, when) => `${who}, ${when}`,
  detailTitle: "Appointment",
  back: "Back",
  rowStatus: "Status",
  rowWhen: "When",
  rowService: "Service",
  rowStaff: "With",
  rowCustomer: "Customer",
  rowEmail: "Email",
  rowPhone: "Phone",
  rowNotes: "Notes",
  answersTitle: "Answers",
  noAnswers: "No answers.",
  yes: "Yes",
  no: "No",
  markAttended: "Mark attended",
  markNoShow: "Mark no-show",
  undoMark: "Undo the mark",
  cancel: "Cancel appointment",
  confirmCancel: "Cancel this appointment? The customer is told by email.",
  yesCancel: "Yes, cancel it",
  noKeep: "No, keep it",
  reschedule: "Move to another time",
  newDate: "New date",
  findTimes: "Show free times",
  noTimes: "No free times on this date.",
  moveTo: (when) => `Move to ${when}`,
  moved: "The appointment was moved.",
  cancelled: "The appointment was cancelled.",
  marked: (status) => `Marked: ${status}.`,
  forbidden: "Your role cannot do this.",
  closures: "Closures",
  addClosure: "Close the business",
  closureStart: "First closed date",
  closureEnd: "Last closed date",
  closureReason: "Note (only you see it)",
  addClosureButton: "Add closure",
  noClosures: "No closures.",
  closureRange: (from, to) => (from === to ? from : `${from} – ${to}`),
  deleteClosure: (range) => `Remove the closure ${range}`,
  closureAdded: (kept) =>
    kept === 0
      ? "Closed. Nobody can book these dates now."
      : kept === 1
        ? "Closed. 1 confirmed appointment on these dates stays booked: cancel or move it as needed."
        : `Closed. ${kept} confirmed appointments on these dates stay booked: cancel or move them as needed.`,
  closureDeleted: "The closure was removed.",
  required: "Choose a date.",
  accounts: "Accounts",
  settings: "Settings",
  saveSettings: "Save the settings",
  settingsSaved: "The settings were saved.",
  settingLabels: {
    businessName: "Business name",
    timeZone: "Time zone (IANA, e.g. Europe/Berlin)",
    defaultLocale: "Default language of emails and pages",
    slotIntervalMin: "Times start every (minutes)",
    minNoticeMin: "Earliest booking before the start (minutes)",
    horizonDays: "Bookable up to (days ahead)",
    cancelCutoffMin: "Customers may cancel until (minutes before)",
    rescheduleCutoffMin: "Customers may move until (minutes before)",
  },
  addAccount: "Add a person",
  accountName: "Name",
  accountRole: "Role",
  accountStaff: "Is staff member",
  roleStaff: "Staff",
  roleManager: "Manager",
  roleOwner: "Owner",
  addAccountButton: "Add the account",
  accountAdded: (email) => `Added. ${email} can now sign in with an emailed code.`,
  deactivate: (name) => `Deactivate ${name}`,
  deactivated: "Deactivated",
  deactivatedAccount: (name) => `${name} can no longer sign in.`,
  failed: (message) => `That did not work: ${message}`,
};

const de: AdminMessages = {
  title: "Betriebs-App",
  skip: "Zum Inhalt springen",
  signInTitle: "Anmelden",
  emailLabel: "Geschäftliche E-Mail",
  sendCode: "Code per E-Mail senden",
  codeSent: (email) => `Wenn ${email} ein Konto hat, ist ein 6-stelliger Code unterwegs.`,
  codeLabel: "6-stelliger Code",
  verify: "Anmelden",
  otherEmail: "Andere E-Mail verwenden",
  signOut: "Abmelden",
  signedInAs: (name, role) => `${name} (${role})`,
  roles: { owner: "Inhaber", manager: "Leitung", staff: "Mitarbeiter" },
  sessionEnded: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
  wrongCode: "Der Code ist falsch oder abgelaufen.",
  navLabel: "Ansichten",
  today: "Heute",
  week: "Woche",
  search: "Termine suchen",
  staffLabel: "Mitarbeiter",
  everyone: "Alle",
  dateLabel: "Datum",
  previous: "Zurück",
  next: "Weiter",
  refresh: "Aktualisieren",
  loading: "Wird geladen…",
  nothingOnDay: "Keine Termine.",
  workingHours: (hours) => `Arbeitszeit ${hours}`,
  dayOff: "Arbeitsfrei",
  changedForDate: "(für diesen Tag geändert)",
  changeHours: "Arbeitszeit für diesen Tag ändern",
  hoursFrom: "Von",
  hoursTo: "Bis",
  saveHours: "Arbeitszeit speichern",
  useWeekly: "Wöchentliche Arbeitszeit verwenden",
  hoursSaved: "Die Arbeitszeit für diesen Tag wurde gespeichert.",
  hoursNeeded: "Bitte Beginn und Ende angeben oder „Arbeitsfrei“ ankreuzen.",
  closedDay: (reason) => `Geschlossen${reason ? `: ${reason}` : ""}`,
  updatedAt: (time) => `Aktualisiert ${time}`,
  statuses: {
    confirmed: "Bestätigt",
    cancelled: "Storniert",
    attended: "Erschienen",
    no_show: "Nicht erschienen",
  },
  liveTitle: "Nächste Stunden",
  liveNone: "Keine buchbaren Zeiten in den nächsten Stunden.",
  liveStates: {
    available: "frei",
    viewing: "jemand sieht es sich an",
    held: "reserviert",
    booked: "gebucht",
  },
  searchTitle: "Termine suchen",
  customerEmail: "E-Mail der Kundin/des Kunden",
  fromDate: "Am Datum",
  find: "Suchen",
  noResults: "Keine Termine gefunden.",
  results: (n) => `${n} ${n === 1 ? "Termin" : "Termine"} gefunden.`,
  open: (who, when) => `${who}, ${when}`,
  detailTitle: "Termin",
  back: "Zurück",
  rowStatus: "Status",
  rowWhen: "Wann",
  rowService: "Leistung",
  rowStaff: "Bei",
  rowCustomer: "Kunde",
  rowEmail: "E-Mail",
  rowPhone: "Telefon",
  rowNotes: "Notizen",
  answersTitle: "Antworten",
  noAnswers: "Keine Antworten.",
  yes: "Ja",
  no: "Nein",
  markAttended: "Als erschienen markieren",
  markNoShow: "Als nicht erschienen markieren",
  undoMark: "Markierung zurücknehmen",
  cancel: "Termin stornieren",
  confirmCancel: "Diesen Termin stornieren? Die Kundschaft wird per E-Mail informiert.",
  yesCancel: "Ja, stornieren",
  noKeep: "Nein, behalten",
  reschedule: "Auf eine andere Zeit verschieben",
  newDate: "Neues Datum",
  findTimes: "Freie Zeiten zeigen",
  noTimes: "An diesem Datum gibt es keine freien Zeiten.",
  moveTo: (when) => `Auf ${when} verschieben`,
  moved: "Der Termin wurde verschoben.",
  cancelled: "Der Termin wurde storniert.",
  marked: (status) => `Markiert: ${status}.`,
  forbidden: "Ihre Rolle darf das nicht.",
  closures: "Schließtage",
  addClosure: "Betrieb schließen",
  closureStart: "Erster geschlossener Tag",
  closureEnd: "Letzter geschlossener Tag",
  closureReason: "Notiz (nur für Sie sichtbar)",
  addClosureButton: "Schließtage hinzufügen",
  noClosures: "Keine Schließtage.",
  closureRange: (from, to) => (from === to ? from : `${from} – ${to}`),
  deleteClosure: (range) => `Schließtage ${range} entfernen`,
  closureAdded: (kept) =>
    kept === 0
      ? "Geschlossen. Diese Tage kann niemand mehr buchen."
      : `Geschlossen. ${kept} bestätigte ${kept === 1 ? "Termin bleibt" : "Termine bleiben"} an diesen Tagen bestehen: bei Bedarf stornieren oder verschieben.`,
  closureDeleted: "Die Schließtage wurden entfernt.",
  required: "Bitte ein Datum wählen.",
  accounts: "Konten",
  settings: "Einstellungen",
  saveSettings: "Einstellungen speichern",
  settingsSaved: "Die Einstellungen wurden gespeichert.",
  settingLabels: {
    businessName: "Name des Betriebs",
    timeZone: "Zeitzone (IANA, z. B. Europe/Berlin)",
    defaultLocale: "Standardsprache von E-Mails und Seiten",
    slotIntervalMin: "Zeiten beginnen alle (Minuten)",
    minNoticeMin: "Buchung frühestens vor Beginn (Minuten)",
    horizonDays: "Buchbar bis (Tage im Voraus)",
    cancelCutoffMin: "Kunden können stornieren bis (Minuten vorher)",
    rescheduleCutoffMin: "Kunden können verschieben bis (Minuten vorher)",
  },
  addAccount: "Person hinzufügen",
  accountName: "Name",
  accountRole: "Rolle",
  accountStaff: "Ist Mitarbeiter",
  roleStaff: "Mitarbeiter",
  roleManager: "Leitung",
  roleOwner: "Inhaber",
  addAccountButton: "Konto hinzufügen",
  accountAdded: (email) =>
    `Hinzugefügt. ${email} kann sich jetzt mit einem Code per E-Mail anmelden.`,
  deactivate: (name) => `${name} deaktivieren`,
  deactivated: "Deaktiviert",
  deactivatedAccount: (name) => `${name} kann sich nicht mehr anmelden.`,
  failed: (message) => `Das hat nicht geklappt: ${message}`,
};

export const ADMIN_CATALOGUES: Partial<Record<Locale, AdminMessages>> = { en, de };

/** The admin words in the page's language, English where there is no admin catalogue yet. */
export function at(): AdminMessages {
  return ADMIN_CATALOGUES[currentLocale()] ?? en;
}

// ---- an appointment's messages (messages.ts) ---------------------------------------------
// A block of its own: the words of the "Messages" section of an appointment's page.

export type EmailKind =
  | "confirmation"
  | "cancellation"
  | "reschedule"
  | "reminder"
  | "sign-in-code"
  | "system-alert"
  | "waitlist-code"
  | "waitlist-offer";

export interface MessageWords {
  title: string;
  emails: string;
  webhooks: string;
  noEmails: string;
  noWebhooks: string;
  loading: string;
  loadFailed: string;
  kinds: Record<EmailKind, string>;
  /** The delivery states: delivered, waiting for its first attempt, retrying, stopped. */
  sent: (when: string) => string;
  pending: string;
  failing: (attempts: number) => string;
  givenUp: (attempts: number) => string;
  to: (address: string) => string;
  queued: (when: string) => string;
  endpoint: (id: string) => string;
  lastError: (error: string) => string;
  /** Outbox rows written before they were linked to their appointment are not listed. */
  olderNote: string;
}

const messagesEn: MessageWords = {
  title: "Messages",
  emails: "Emails",
  webhooks: "Webhook deliveries",
  noEmails: "No emails for this appointment.",
  noWebhooks: "No webhook deliveries for this appointment.",
  loading: "Loading…",
  loadFailed: "The messages could not be loaded.",
  kinds: {
    confirmation: "Confirmation",
    cancellation: "Cancellation",
    reschedule: "Moved",
    reminder: "Reminder",
    "sign-in-code": "Sign-in code",
    "system-alert": "System alert",
    "waitlist-code": "Waitlist code",
    "waitlist-offer": "Waitlist offer",
  },
  sent: (when) => `Sent ${when}`,
  pending: "Waiting to be sent",
  failing: (n) => `${n} failed ${n === 1 ? "attempt" : "attempts"}, retrying`,
  givenUp: (n) => `Given up after ${n} ${n === 1 ? "attempt" : "attempts"}`,
  to: (address) => `To ${address}`,
  queued: (when) => `Queued ${when}`,
  endpoint: (id) => `Endpoint ${id}`,
  lastError: (error) => `Last error: ${error}`,
  olderNote: "Messages queued before this list existed are not shown.",
};

const messagesDe: MessageWords = {
  title: "Nachrichten",
  emails: "E-Mails",
  webhooks: "Webhook-Zustellungen",
  noEmails: "Keine E-Mails zu diesem Termin.",
  noWebhooks: "Keine Webhook-Zustellungen zu diesem Termin.",
  loading: "Wird geladen…",
  loadFailed: "Die Nachrichten konnten nicht geladen werden.",
  kinds: {
    confirmation: "Bestätigung",
    cancellation: "Stornierung",
    reschedule: "Verschoben",
    reminder: "Erinnerung",
    "sign-in-code": "Anmeldecode",
    "system-alert": "Systemmeldung",
    "waitlist-code": "Wartelisten-Code",
    "waitlist-offer": "Wartelisten-Angebot",
  },
  sent: (when) => `Gesendet ${when}`,
  pending: "Wartet auf Versand",
  failing: (n) => `${n} ${n === 1 ? "Versuch" : "Versuche"} fehlgeschlagen, wird wiederholt`,
  givenUp: (n) => `Aufgegeben nach ${n} ${n === 1 ? "Versuch" : "Versuchen"}`,
  to: (address) => `An ${address}`,
  queued: (when) => `Erstellt ${when}`,
  endpoint: (id) => `Endpunkt ${id}`,
  lastError: (error) => `Letzter Fehler: ${error}`,
  olderNote: "Nachrichten, die vor dieser Liste erstellt wurden, werden nicht gezeigt.",
};

export const MESSAGE_CATALOGUES: Partial<Record<Locale, MessageWords>> = {
  en: messagesEn,
  de: messagesDe,
};

/** The Messages section's words in the page's language, English where there are none yet. */
export function messageWords(): MessageWords {
  return MESSAGE_CATALOGUES[currentLocale()] ?? messagesEn;
}
