/**
 * The business app's words: a typed catalogue of its own beside the booking pages' (web/src/i18n),
 * chosen by the same language choice (`startLocale`, `currentLocale`). A language without an
 * admin catalogue yet falls back to English, whole (never half a page in each).
 */
import { currentLocale, type Locale } from "../i18n/index.ts";

// ---- weekly hours, catalog and settings pages (schedules.ts, catalog.ts, settings.ts) -------

type SettingKey =
  | "businessName"
  | "timeZone"
  | "defaultLocale"
  | "operatorEmail"
  | "slotIntervalMin"
  | "minNoticeMin"
  | "horizonDays"
  | "cancelCutoffMin"
  | "rescheduleCutoffMin"
  | "holdTtlS"
  | "holdExtensionCapS"
  | "viewingTtlS"
  | "waitlistOfferTtlS"
  | "maxHeldSlotsPerClient"
  | "maxHeldSlotsPerIp"
  | "noShowLimit"
  | "reminders";

export interface PagesMessages {
  weeklyHours: string;
  weeklyReadOnly: string;
  noStaff: string;
  saveWeekly: string;
  weeklySaved: string;
  addHours: (day: string) => string;
  removeHours: (day: string, range: string) => string;
  intervalProblem: (row: number, text: string) => string;
  problems: Record<"required" | "endAfterStart" | "overlaps", string>;
  offGrid: (gridMin: number) => string;
  previewTitle: string;
  previewService: string;
  previewNoService: string;
  previewNote: string;
  slotsBeforeAfter: (before: number, after: number) => string;
  outsideHours: (what: string) => string;
  settingGroups: Record<"business" | "booking" | "holds" | "limits" | "reminders", string>;
  settingLabels: Record<SettingKey, string>;
  settingHelp: Partial<Record<SettingKey, string>>;
  units: Record<"min" | "s" | "days", string>;
  noShowParts: Record<"count" | "days", string>;
  numberNeeded: string;
  catalog: string;
  servicesTitle: string;
  staffTitle: string;
  edit: string;
  editNamed: (name: string) => string;
  minutes: (n: number) => string;
  inactive: string;
  newService: string;
  editService: (name: string) => string;
  serviceName: string;
  durationMin: string;
  bufferBeforeMin: string;
  bufferAfterMin: string;
  priceLabel: string;
  currencyLabel: string;
  activeService: string;
  addService: string;
  saveChanges: string;
  newInstead: string;
  amountNeeded: string;
  serviceSaved: (name: string) => string;
  newStaff: string;
  editStaff: (name: string) => string;
  staffZone: string;
  businessZone: string;
  staffServices: string;
  noServices: string;
  activeStaff: string;
  addStaff: string;
  staffSaved: (name: string) => string;
}

const pagesEn: PagesMessages = {
  weeklyHours: "Weekly hours",
  weeklyReadOnly:
    "Your weekly hours, set by an owner or manager. To change one date, use “Change the hours of this date” on the Today view.",
  noStaff: "No staff member yet: add one in Catalog.",
  saveWeekly: "Save the weekly hours",
  weeklySaved: "The weekly hours were saved.",
  addHours: (day) => `Add hours on ${day}`,
  removeHours: (day, range) => `Remove ${range} on ${day}`,
  intervalProblem: (row, text) => `Row ${row}: ${text}`,
  problems: {
    required: "give a start and an end.",
    endAfterStart: "the end must be after the start.",
    overlaps: "overlaps another row; leave a gap for a break.",
  },
  offGrid: (gridMin) => `times must be on the ${gridMin}-minute grid.`,
  previewTitle: "Effect over the next 7 days",
  previewService: "Count the bookable times of",
  previewNoService: "This staff member performs no service, so no times are bookable.",
  previewNote:
    "Counts the bookable start times before → after the change. Appointments outside the new hours stay booked: move or cancel them.",
  slotsBeforeAfter: (before, after) => ` · ${before} → ${after} bookable times`,
  outsideHours: (what) => `Outside the new hours: ${what}`,
  settingGroups: {
    business: "Business",
    booking: "Booking times",
    holds: "Holds while booking",
    limits: "Limits",
    reminders: "Reminder emails",
  },
  settingLabels: {
    businessName: "Business name",
    timeZone: "Time zone (IANA, e.g. Europe/Berlin)",
    defaultLocale: "Default language of emails and pages",
    operatorEmail: "Email for system alerts (empty: nobody)",
    slotIntervalMin: "Times start every",
    minNoticeMin: "Earliest booking before the start",
    horizonDays: "Bookable up to",
    cancelCutoffMin: "Customers may cancel until, before the start",
    rescheduleCutoffMin: "Customers may move until, before the start",
    holdTtlS: "A held time is kept for",
    holdExtensionCapS: "A hold lives at most, extensions included",
    viewingTtlS: "“Someone is looking” shows for",
    waitlistOfferTtlS: "A freed time is offered to the waitlist for",
    maxHeldSlotsPerClient: "Held times per visitor at once",
    maxHeldSlotsPerIp: "Held times per network address at once",
    noShowLimit: "Refuse bookings after repeated no-shows",
    reminders: "Send reminders before the start",
  },
  settingHelp: {
    slotIntervalMin: "A multiple of 5 that divides a day: 5, 10, 15, 20, 30, 60 …",
    holdExtensionCapS: "At least as long as a held time is kept.",
    reminders:
      "Up to 5, separated by commas: 1440, 120 is a day and two hours before. Empty: none.",
  },
  units: { min: "minutes", s: "seconds", days: "days" },
  noShowParts: { count: "No-shows", days: "Within (days)" },
  numberNeeded: "Enter a whole number.",
  catalog: "Catalog",
  servicesTitle: "Services",
  staffTitle: "Staff",
  edit: "Edit",
  editNamed: (name) => `Edit ${name}`,
  minutes: (n) => `${n} min`,
  inactive: "inactive",
  newService: "New service",
  editService: (name) => `Change ${name}`,
  serviceName: "Name",
  durationMin: "Duration (minutes)",
  bufferBeforeMin: "Preparation before (minutes)",
  bufferAfterMin: "Clean-up after (minutes)",
  priceLabel: "Price (e.g. 55.00)",
  currencyLabel: "Currency (e.g. EUR)",
  activeService: "Customers can book it",
  addService: "Add the service",
  saveChanges: "Save the changes",
  newInstead: "Add a new one instead",
  amountNeeded: "Enter an amount such as 55.00.",
  serviceSaved: (name) => `${name} was saved.`,
  newStaff: "New staff member",
  editStaff: (name) => `Change ${name}`,
  staffZone: "Time zone (empty: the business’s)",
  businessZone: "business time zone",
  staffServices: "Performs",
  noServices: "No services yet.",
  activeStaff: "Customers can book them",
  addStaff: "Add the staff member",
  staffSaved: (name) => `${name} was saved.`,
};

const pagesDe: PagesMessages = {
  weeklyHours: "Wochenzeiten",
  weeklyReadOnly:
    "Ihre wöchentliche Arbeitszeit, festgelegt von Inhaber oder Leitung. Einen einzelnen Tag ändern Sie in der Ansicht „Heute“ unter „Arbeitszeit für diesen Tag ändern“.",
  noStaff: "Noch keine Mitarbeiter: im Katalog anlegen.",
  saveWeekly: "Wochenzeiten speichern",
  weeklySaved: "Die Wochenzeiten wurden gespeichert.",
  addHours: (day) => `Zeiten am ${day} hinzufügen`,
  removeHours: (day, range) => `${range} am ${day} entfernen`,
  intervalProblem: (row, text) => `Zeile ${row}: ${text}`,
  problems: {
    required: "Bitte Beginn und Ende angeben.",
    endAfterStart: "Das Ende muss nach dem Beginn liegen.",
    overlaps: "überschneidet sich mit einer anderen Zeile; für eine Pause eine Lücke lassen.",
  },
  offGrid: (gridMin) => `Zeiten müssen im ${gridMin}-Minuten-Raster liegen.`,
  previewTitle: "Auswirkung in den nächsten 7 Tagen",
  previewService: "Buchbare Zeiten zählen für",
  previewNoService: "Dieser Mitarbeiter bietet keine Leistung an, also ist nichts buchbar.",
  previewNote:
    "Zählt die buchbaren Anfangszeiten vor → nach der Änderung. Termine außerhalb der neuen Zeiten bleiben gebucht: verschieben oder stornieren Sie sie.",
  slotsBeforeAfter: (before, after) => ` · ${before} → ${after} buchbare Zeiten`,
  outsideHours: (what) => `Außerhalb der neuen Zeiten: ${what}`,
  settingGroups: {
    business: "Betrieb",
    booking: "Buchungszeiten",
    holds: "Reservierungen beim Buchen",
    limits: "Grenzen",
    reminders: "Erinnerungs-E-Mails",
  },
  settingLabels: {
    businessName: "Name des Betriebs",
    timeZone: "Zeitzone (IANA, z. B. Europe/Berlin)",
    defaultLocale: "Standardsprache von E-Mails und Seiten",
    operatorEmail: "E-Mail für Systemwarnungen (leer: niemand)",
    slotIntervalMin: "Zeiten beginnen alle",
    minNoticeMin: "Buchung frühestens vor Beginn",
    horizonDays: "Buchbar bis zu",
    cancelCutoffMin: "Kunden können stornieren bis vor Beginn",
    rescheduleCutoffMin: "Kunden können verschieben bis vor Beginn",
    holdTtlS: "Eine reservierte Zeit bleibt reserviert für",
    holdExtensionCapS: "Eine Reservierung lebt höchstens, Verlängerungen eingeschlossen",
    viewingTtlS: "„Jemand sieht es sich an“ erscheint für",
    waitlistOfferTtlS: "Eine frei gewordene Zeit wird der Warteliste angeboten für",
    maxHeldSlotsPerClient: "Reservierte Zeiten je Besucher gleichzeitig",
    maxHeldSlotsPerIp: "Reservierte Zeiten je Netzadresse gleichzeitig",
    noShowLimit: "Buchungen nach wiederholtem Nichterscheinen ablehnen",
    reminders: "Erinnerungen vor Beginn senden",
  },
  settingHelp: {
    slotIntervalMin: "Ein Vielfaches von 5, das einen Tag teilt: 5, 10, 15, 20, 30, 60 …",
    holdExtensionCapS: "Mindestens so lang, wie eine Zeit reserviert bleibt.",
    reminders:
      "Bis zu 5, durch Kommas getrennt: 1440, 120 ist einen Tag und zwei Stunden vorher. Leer: keine.",
  },
  units: { min: "Minuten", s: "Sekunden", days: "Tage" },
  noShowParts: { count: "Nichterscheinen", days: "Innerhalb von (Tagen)" },
  numberNeeded: "Bitte eine ganze Zahl eingeben.",
  catalog: "Katalog",
  servicesTitle: "Leistungen",
  staffTitle: "Mitarbeiter",
  edit: "Ändern",
  editNamed: (name) => `${name} ändern`,
  minutes: (n) => `${n} Min.`,
  inactive: "inaktiv",
  newService: "Neue Leistung",
  editService: (name) => `${name} ändern`,
  serviceName: "Name",
  durationMin: "Dauer (Minuten)",
  bufferBeforeMin: "Vorbereitung davor (Minuten)",
  bufferAfterMin: "Nachbereitung danach (Minuten)",
  priceLabel: "Preis (z. B. 55,00)",
  currencyLabel: "Währung (z. B. EUR)",
  activeService: "Kunden können sie buchen",
  addService: "Leistung hinzufügen",
  saveChanges: "Änderungen speichern",
  newInstead: "Stattdessen neu anlegen",
  amountNeeded: "Bitte einen Betrag wie 55,00 eingeben.",
  serviceSaved: (name) => `${name} wurde gespeichert.`,
  newStaff: "Neuer Mitarbeiter",
  editStaff: (name) => `${name} ändern`,
  staffZone: "Zeitzone (leer: die des Betriebs)",
  businessZone: "Zeitzone des Betriebs",
  staffServices: "Bietet an",
  noServices: "Noch keine Leistungen.",
  activeStaff: "Kunden können bei ihnen buchen",
  addStaff: "Mitarbeiter hinzufügen",
  staffSaved: (name) => `${name} wurde gespeichert.`,
};

export interface AdminMessages extends PagesMessages {
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
  customerName: string;
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
  ...pagesEn,
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
  customerName: "Customer name",
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
  ...pagesDe,
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
  customerName: "Name der Kundin/des Kunden",
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

// ---- The owner's pages (API keys, webhooks) and the live stream's words -------------------
// A block of its own: the owner's pages are modules of their own (keys.ts, webhooks.ts).

export interface OwnerMessages {
  /** How the day views' live part arrives, after "Updated 10:02". */
  via: Record<"stream" | "poll", string>;
  /** The list of a day's current holds and views (from the live stream). */
  liveOnDay: (day: string) => string;
  liveWho: (time: string, state: string, staff: string) => string;
  keysTab: string;
  keysTitle: string;
  keysIntro: string;
  newKey: string;
  keyName: string;
  keyExpiry: string;
  keyExpiryHint: string;
  keyScopes: string;
  scopesNeeded: string;
  createKey: string;
  keyCreated: (name: string) => string;
  secretOnce: string;
  copy: string;
  copied: string;
  copyFailed: string;
  done: string;
  noKeys: string;
  keyFacts: (prefix: string, created: string) => string;
  expires: (when: string) => string;
  neverExpires: string;
  expired: string;
  revoked: string;
  revoke: (name: string) => string;
  revokeButton: string;
  confirmRevoke: (name: string) => string;
  yesRevoke: string;
  keepIt: string;
  keyRevoked: (name: string) => string;
  /** What a scope allows, by its name; a scope without words here shows its name only. */
  scopeHints: Partial<Record<string, string>>;
  listsFailed: string;
  hooksTab: string;
  hooksTitle: string;
  hooksIntro: string;
  newHook: string;
  hookUrl: string;
  hookEvents: string;
  eventsNeeded: string;
  createHook: string;
  hookCreated: string;
  noHooks: string;
  hookActive: string;
  hookInactive: string;
  hookDisabled: (reason: string) => string;
  rotate: string;
  confirmRotate: string;
  yesRotate: string;
  rotated: string;
  switchOff: string;
  switchOn: string;
  remove: string;
  confirmRemove: (url: string) => string;
  yesRemove: string;
  removed: string;
  deliveries: string;
  noDeliveries: string;
  attemptLine: (event: string, attempt: number, when: string) => string;
  noAnswer: string;
}

const ownerEn: OwnerMessages = {
  via: { stream: "live", poll: "refreshed every 15 s" },
  liveOnDay: (day) => `Right now on ${day}`,
  liveWho: (time, state, staff) => (staff ? `${time} ${state} (${staff})` : `${time} ${state}`),
  keysTab: "API keys",
  keysTitle: "API keys",
  keysIntro:
    "A key lets another program use the API with only the permissions you tick. Only owners see this page.",
  newKey: "New API key",
  keyName: "What it is for",
  keyExpiry: "Stops working on (optional)",
  keyExpiryHint: "Empty: it works until you revoke it.",
  keyScopes: "What it may do",
  scopesNeeded: "Tick at least one permission.",
  createKey: "Create the key",
  keyCreated: (name) => `The key “${name}” was created.`,
  secretOnce: "Copy it now and keep it somewhere safe: you won't see it again.",
  copy: "Copy",
  copied: "Copied.",
  copyFailed: "Copying did not work here: select the text and copy it.",
  done: "I have copied it",
  noKeys: "No API keys yet.",
  keyFacts: (prefix, created) => `${prefix}… · created ${created}`,
  expires: (when) => `works until ${when}`,
  neverExpires: "no end date",
  expired: "Expired",
  revoked: "Revoked",
  revoke: (name) => `Revoke ${name}`,
  revokeButton: "Revoke",
  confirmRevoke: (name) =>
    `Revoke “${name}”? Every program using it is refused from its next request. This cannot be undone.`,
  yesRevoke: "Yes, revoke it",
  keepIt: "No, keep it",
  keyRevoked: (name) => `“${name}” is revoked.`,
  scopeHints: {
    "appointments:read": "see appointments and the live state",
    "appointments:write": "cancel, move and mark appointments",
    "catalog:read": "see services, staff and hours",
    "catalog:write": "change services and staff",
    "schedules:write": "change hours and closures",
    "settings:write": "see and change the settings",
    "webhooks:manage": "manage webhooks",
    "audit:read": "read the audit log",
    ops: "operations: sync, outbox, diagnostics",
    proxy: "book on behalf of customers (integrations)",
    "accounts:manage": "add and remove accounts",
    "keys:manage": "create and revoke API keys",
  },
  listsFailed: "The list of choices could not be loaded.",
  hooksTab: "Webhooks",
  hooksTitle: "Webhooks",
  hooksIntro:
    "A webhook sends each chosen event to your address, signed with a secret. Only owners see this page.",
  newHook: "New webhook",
  hookUrl: "Address (URL)",
  hookEvents: "Events to send",
  eventsNeeded: "Tick at least one event.",
  createHook: "Add the webhook",
  hookCreated: "The webhook was added. Its signing secret:",
  noHooks: "No webhooks yet.",
  hookActive: "Active",
  hookInactive: "Switched off",
  hookDisabled: (reason) => `Disabled: ${reason}`,
  rotate: "New secret",
  confirmRotate:
    "Replace the signing secret? The old one stops working at once, retries included: update your receiver.",
  yesRotate: "Yes, replace it",
  rotated: "The new signing secret:",
  switchOff: "Switch off",
  switchOn: "Switch on",
  remove: "Remove",
  confirmRemove: (url) => `Remove the webhook to ${url}? Its pending deliveries go with it.`,
  yesRemove: "Yes, remove it",
  removed: "The webhook was removed.",
  deliveries: "Recent deliveries",
  noDeliveries: "Nothing sent yet.",
  attemptLine: (event, attempt, when) => `${event}, attempt ${attempt}, ${when}`,
  noAnswer: "no answer",
};

const ownerDe: OwnerMessages = {
  via: { stream: "live", poll: "alle 15 s aktualisiert" },
  liveOnDay: (day) => `Gerade jetzt am ${day}`,
  liveWho: (time, state, staff) => (staff ? `${time} ${state} (${staff})` : `${time} ${state}`),
  keysTab: "API-Schlüssel",
  keysTitle: "API-Schlüssel",
  keysIntro:
    "Mit einem Schlüssel nutzt ein anderes Programm die API, nur mit den Rechten, die Sie ankreuzen. Nur Inhaber sehen diese Seite.",
  newKey: "Neuer API-Schlüssel",
  keyName: "Wofür er ist",
  keyExpiry: "Gültig bis (optional)",
  keyExpiryHint: "Leer: gültig, bis Sie ihn widerrufen.",
  keyScopes: "Was er darf",
  scopesNeeded: "Kreuzen Sie mindestens ein Recht an.",
  createKey: "Schlüssel erstellen",
  keyCreated: (name) => `Der Schlüssel „${name}“ wurde erstellt.`,
  secretOnce: "Kopieren Sie es jetzt und bewahren Sie es sicher auf: Sie sehen es nicht wieder.",
  copy: "Kopieren",
  copied: "Kopiert.",
  copyFailed: "Kopieren geht hier nicht: Markieren Sie den Text und kopieren Sie ihn.",
  done: "Ich habe ihn kopiert",
  noKeys: "Noch keine API-Schlüssel.",
  keyFacts: (prefix, created) => `${prefix}… · erstellt ${created}`,
  expires: (when) => `gültig bis ${when}`,
  neverExpires: "ohne Ablaufdatum",
  expired: "Abgelaufen",
  revoked: "Ist widerrufen",
  revoke: (name) => `${name} widerrufen`,
  revokeButton: "Widerrufen",
  confirmRevoke: (name) =>
    `„${name}“ widerrufen? Jedes Programm, das ihn nutzt, wird ab der nächsten Anfrage abgewiesen. Das lässt sich nicht rückgängig machen.`,
  yesRevoke: "Ja, widerrufen",
  keepIt: "Nein, behalten",
  keyRevoked: (name) => `„${name}“ ist widerrufen.`,
  scopeHints: {
    "appointments:read": "Termine und den Live-Stand sehen",
    "appointments:write": "Termine absagen, verschieben und markieren",
    "catalog:read": "Leistungen, Mitarbeiter und Zeiten sehen",
    "catalog:write": "Leistungen und Mitarbeiter ändern",
    "schedules:write": "Arbeitszeiten und Schließtage ändern",
    "settings:write": "Einstellungen sehen und ändern",
    "webhooks:manage": "Webhooks verwalten",
    "audit:read": "das Prüfprotokoll lesen",
    ops: "Betrieb: Abgleich, Postausgang, Diagnose",
    proxy: "für Kunden buchen (Integrationen)",
    "accounts:manage": "Konten anlegen und entfernen",
    "keys:manage": "API-Schlüssel erstellen und widerrufen",
  },
  listsFailed: "Die Auswahl konnte nicht geladen werden.",
  hooksTab: "Webhooks",
  hooksTitle: "Webhooks",
  hooksIntro:
    "Ein Webhook sendet jedes gewählte Ereignis an Ihre Adresse, mit einem Geheimnis signiert. Nur Inhaber sehen diese Seite.",
  newHook: "Neuer Webhook",
  hookUrl: "Adresse (URL)",
  hookEvents: "Zu sendende Ereignisse",
  eventsNeeded: "Kreuzen Sie mindestens ein Ereignis an.",
  createHook: "Webhook hinzufügen",
  hookCreated: "Der Webhook wurde hinzugefügt. Sein Signatur-Geheimnis:",
  noHooks: "Noch keine Webhooks.",
  hookActive: "Aktiv",
  hookInactive: "Ausgeschaltet",
  hookDisabled: (reason) => `Deaktiviert: ${reason}`,
  rotate: "Neues Geheimnis",
  confirmRotate:
    "Das Signatur-Geheimnis ersetzen? Das alte gilt sofort nicht mehr, auch für Wiederholungen: Passen Sie Ihren Empfänger an.",
  yesRotate: "Ja, ersetzen",
  rotated: "Das neue Signatur-Geheimnis:",
  switchOff: "Ausschalten",
  switchOn: "Einschalten",
  remove: "Entfernen",
  confirmRemove: (url) =>
    `Den Webhook an ${url} entfernen? Noch offene Zustellungen werden mit entfernt.`,
  yesRemove: "Ja, entfernen",
  removed: "Der Webhook wurde entfernt.",
  deliveries: "Letzte Zustellungen",
  noDeliveries: "Noch nichts gesendet.",
  attemptLine: (event, attempt, when) => `${event}, Versuch ${attempt}, ${when}`,
  noAnswer: "keine Antwort",
};

export const OWNER_CATALOGUES: Partial<Record<Locale, OwnerMessages>> = {
  en: ownerEn,
  de: ownerDe,
};

/** The owner pages' words in the page's language, English where there is no catalogue yet. */
export function ow(): OwnerMessages {
  return OWNER_CATALOGUES[currentLocale()] ?? ownerEn;
}

// ---- the effect of a date's hours and of a closure, before saving (effects-view.ts) ---------
// A block of its own: the day view's "Change the hours of this date" and the closure form.

export interface EffectWords {
  /** The title of a date's effect, e.g. "If you save: Monday, 7 December". */
  dateEffectTitle: (day: string) => string;
  bookableOf: (service: string, before: number, after: number) => string;
  /** The appointments outside the new hours keep their time. */
  outsideKept: string;
  nobodyBooks: string;
  closureKeeps: (n: number) => string;
  andMore: (n: number) => string;
}

const effectEn: EffectWords = {
  dateEffectTitle: (day) => `If you save: ${day}`,
  bookableOf: (service, before, after) => `Bookable times of ${service}: ${before} → ${after}`,
  outsideKept: "Confirmed appointments outside the new hours (they stay booked):",
  nobodyBooks: "Nobody can book these dates after saving.",
  closureKeeps: (n) =>
    n === 0
      ? "No confirmed appointment falls on these dates."
      : n === 1
        ? "1 confirmed appointment falls on these dates and stays booked:"
        : `${n} confirmed appointments fall on these dates and stay booked:`,
  andMore: (n) => `and ${n} more`,
};

const effectDe: EffectWords = {
  dateEffectTitle: (day) => `Wenn Sie speichern: ${day}`,
  bookableOf: (service, before, after) => `Buchbare Zeiten für ${service}: ${before} → ${after}`,
  outsideKept: "Bestätigte Termine außerhalb der neuen Zeiten (sie bleiben bestehen):",
  nobodyBooks: "Diese Tage kann danach niemand mehr buchen.",
  closureKeeps: (n) =>
    n === 0
      ? "An diesen Tagen liegt kein bestätigter Termin."
      : n === 1
        ? "1 bestätigter Termin liegt an diesen Tagen und bleibt bestehen:"
        : `${n} bestätigte Termine liegen an diesen Tagen und bleiben bestehen:`,
  andMore: (n) => `und ${n} weitere`,
};

export const EFFECT_CATALOGUES: Partial<Record<Locale, EffectWords>> = {
  en: effectEn,
  de: effectDe,
};

/** The effect previews' words in the page's language, English where there are none yet. */
export function ew(): EffectWords {
  return EFFECT_CATALOGUES[currentLocale()] ?? effectEn;
}
