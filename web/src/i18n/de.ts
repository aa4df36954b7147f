import type { Messages } from "./types.ts";

export const de: Messages = {
  languageName: "Deutsch",
  language: "Sprache",

  bookTitle: "Termin buchen",
  skipToBooking: "Zum Buchungsformular springen",
  needsJsTimes: "Diese Seite braucht JavaScript, um freie Zeiten anzuzeigen.",
  chooseTitle: "1. Was und bei wem",
  serviceLabel: "Leistung",
  withLabel: "Bei",
  anyone: "Egal bei wem",
  continue: "Weiter",
  detailsTitle: "2. Ihre Angaben",
  heldFor: "Für Sie reserviert noch",
  keepLonger: "Länger reservieren",
  nameLabel: "Name",
  emailLabel: "E-Mail",
  phoneLabel: "Telefon",
  notesLabel: "Anmerkungen",
  optional: "(optional)",
  book: "Buchen",
  chooseAnother: "Andere Zeit wählen",
  doneTitle: "Ihr Termin ist gebucht",
  keepLink:
    "Um den Termin später anzusehen, zu verschieben oder abzusagen, bewahren Sie diesen Link auf:",
  manageLink: "Termin verwalten",
  addToCalendar: "Zum Kalender hinzufügen (.ics-Datei)",
  bookAnother: "Weiteren Termin buchen",

  manageTitle: "Ihr Termin",
  skipToAppointment: "Zu Ihrem Termin springen",
  needsJs: "Diese Seite braucht JavaScript.",
  appointmentTitle: "Termin",
  loadingAppointment: "Ihr Termin wird geladen …",
  moveToAnother: "Auf eine andere Zeit verschieben",
  cancelAppointment: "Termin absagen",
  confirmCancel: "Diesen Termin absagen? Die Zeit wird dann für andere frei.",
  yesCancel: "Ja, absagen",
  noKeep: "Nein, behalten",
  chooseNewTime: "Neue Zeit wählen",
  moveHere: "Termin hierher verschieben",
  keepCurrent: "Bisherige Zeit behalten",

  loadingServices: "Leistungen werden geladen …",
  servicesFailed: "Die Leistungen konnten nicht geladen werden",
  noServices: "Noch keine Leistungen im Angebot",
  loadAgain: "Erneut laden",
  serviceOption: (name, minutes) => `${name} (${minutes} Min.)`,
  serviceInfo: (description, minutes, price) =>
    `${description} ${minutes} Minuten, ${price}.`.trim(),
  ourTeam: "unserem Team",
  slotWith: (slot, staff) => `${slot} bei ${staff}`,
  chosen: (what) => `Gewählt: ${what}`,
  chosenAnnounce: (what) => `Gewählt: ${what}. Wählen Sie „Weiter“, um die Zeit zu reservieren.`,
  holding: "Wird reserviert …",
  holdAnnounce: (countdown) => `Diese Zeit ist ${countdown} Minuten lang für Sie reserviert.`,
  minutesLeft: (minutes) =>
    `Noch ${minutes} ${minutes === 1 ? "Minute" : "Minuten"}, um diese Zeit zu buchen.`,
  holdRanOut: (slot) =>
    `Ihre Reservierung für ${slot ?? "diese Zeit"} ist abgelaufen, es wurde nichts gebucht. Wählen Sie die Zeit erneut (vielleicht ist sie noch frei) oder eine andere.`,
  chooseATime: "Zeit wählen",
  heldMore: (countdown) => `Für weitere ${countdown} Minuten reserviert.`,
  heldMoreCapped: (countdown) =>
    `Für weitere ${countdown} Minuten reserviert; länger können wir die Zeit nicht halten.`,
  booking: "Wird gebucht …",
  hintName: "Bitte geben Sie Ihren Namen ein.",
  hintEmail: "Bitte geben Sie Ihre E-Mail-Adresse ein, zum Beispiel name@example.com.",
  hintPhone: "Bitte geben Sie eine Telefonnummer ein, zum Beispiel +49 30 1234567.",
  hintNotes: "Bitte kürzen Sie Ihre Anmerkungen.",
  bookedSummary: (service, staff, slot, email) =>
    `${service} bei ${staff}, ${slot}. Eine Bestätigung ist unterwegs an ${email}.`,
  yourAppointment: "Ihr Termin",
  bookedAnnounce: "Ihr Termin ist gebucht.",

  slotAt: (day, time, offset, yours) =>
    `${day} um ${time} Uhr (${offset}${yours ? `; ${yours} Uhr Ihre Zeit` : ""})`,

  previousMonth: "Voriger Monat",
  nextMonth: "Nächster Monat",
  datesNote: "Tage mit freien Zeiten sind markiert. Wählen Sie einen, um seine Zeiten zu sehen.",
  loadingDates: "Tage werden geladen …",
  loadDatesAgain: "Tage erneut laden",
  freeCount: (n) => `${n} frei`,
  noFreeTimes: "keine freien Zeiten",
  dayHasNoTimes: (day) => `${day} hat keine freien Zeiten.`,
  timesTitle: "Zeiten",
  timesOn: (day) => `Zeiten am ${day}`,
  loadingTimes: "Zeiten werden geladen …",
  loadTimesAgain: "Zeiten erneut laden",
  noTimesOnDate: "An diesem Tag gibt es keine Zeiten. Bitte wählen Sie einen anderen Tag.",
  timesIn: (zone, offset, visitorZone) =>
    `Zeiten in ${zone ?? "der Zeitzone des Salons"} (${offset}).` +
    (visitorZone ? ` Ihre eigene Zeit (${visitorZone}) steht unter jeder Zeit.` : ""),
  yoursShort: (time) => `${time} bei Ihnen`,
  stateAvailable: "frei",
  stateViewing: "wird angesehen",
  stateHeld: "reserviert",
  stateBooked: "gebucht",
  stateMine: "Ihre Wahl",
  notFree: "Diese Zeit ist nicht frei. Bitte wählen Sie eine andere.",

  linkIncomplete:
    "Dieser Link ist unvollständig. Bitte öffnen Sie den ganzen Link aus Ihrer Buchungsbestätigung.",
  appointmentNotFound:
    "Wir konnten diesen Termin nicht finden. Bitte prüfen Sie, ob Sie den ganzen Link aus Ihrer Bestätigung geöffnet haben.",
  tryAgain: "Erneut versuchen",
  statusRow: "Status",
  statusConfirmed: "Bestätigt",
  statusCancelled: "Abgesagt",
  serviceRow: "Leistung",
  withRow: "Bei",
  whenRow: "Wann",
  nameRow: "Name",
  cancelledAnnounce: "Ihr Termin ist abgesagt. Die Zeit ist wieder für andere frei.",
  cannotMoveOnline:
    "Diese Leistung kann nicht mehr online gebucht werden. Bitte kontaktieren Sie uns, um den Termin zu verschieben.",
  newTime: (slot) => `Neue Zeit: ${slot}`,
  newTimeAnnounce: (slot) => `Neue Zeit gewählt: ${slot}. Wählen Sie „Termin hierher verschieben“.`,
  moving: "Wird verschoben …",
  movedAnnounce: (slot) => `Verschoben. Ihr Termin ist jetzt am ${slot}.`,

  repeatLabel: "Diesen Termin wiederholen",
  repeatWith: (staff) =>
    `Jedes Mal bei ${staff}, zur selben Uhrzeit, beginnend mit dem gewählten Tag.`,
  everyLabel: "Wie oft",
  everyWeeks: (n) => (n === 1 ? "jede Woche" : `alle ${n} Wochen`),
  countLabel: "Wie viele Termine",
  checkDates: "Termine prüfen",
  seriesTitle: "Ihre wiederholten Termine",
  seriesLoading: "Die Termine werden geprüft …",
  occurrenceFree: "frei",
  occurrenceTaken: "vergeben",
  pickAlternative:
    "Diese Zeit ist vergeben. Wählen Sie eine andere Zeit an diesem Tag oder lassen Sie den Tag aus:",
  noAlternatives: "An diesem Tag ist keine andere Zeit frei.",
  leaveOut: "Diesen Tag auslassen",
  chooseForTaken: "Wählen Sie für jeden vergebenen Tag eine Zeit oder lassen Sie ihn aus.",
  holdSeries: (n) => `Diese ${n} Termine reservieren`,
  backToTimes: "Zurück zu den Zeiten",
  seriesWith: (n, staff) => `${n} Termine bei ${staff}:`,
  bookedSeriesSummary: (service, staff, n, email) =>
    `${service} bei ${staff}, ${n}-mal. Eine Bestätigung ist unterwegs an ${email}.`,
  seriesAnnounce: (free, taken) => `${free} Termine frei, ${taken} vergeben.`,

  notifyMe: "Benachrichtigen, wenn eine Zeit frei wird",
  dayFull: (day) => `${day} hat keine freie Zeit.`,
  waitlistTitle: (day) => `E-Mail erhalten, wenn am ${day} eine Zeit frei wird`,
  waitlistIntro:
    "Sagt jemand ab, wird die Zeit für die erste wartende Person reserviert, und sie bekommt eine E-Mail zum Buchen.",
  windowLegend: "Nur zwischen diesen Uhrzeiten (optional)",
  fromLabel: "Von",
  toLabel: "Bis",
  joining: "Wird gesendet …",
  codeSent: (email) =>
    `Wir haben einen 6-stelligen Code an ${email} geschickt. Geben Sie ihn ein, um sich auf die Warteliste zu setzen.`,
  codeLabel: "Code aus der E-Mail",
  confirmCode: "Bestätigen",
  hintCode: "Geben Sie die 6 Ziffern aus der E-Mail ein.",
  onWaitlist: (day) =>
    `Sie stehen auf der Warteliste für ${day}. Wir schreiben Ihnen, sobald eine Zeit frei wird.`,
  notNow: "Jetzt nicht",

  waitlistPageTitle: "Ihre Warteliste",
  skipToOffer: "Zum Angebot springen",
  offerTitle: "Eine Zeit ist für Sie frei",
  offerIntro: "Eine Zeit, auf die Sie gewartet haben, ist frei und für Sie reserviert:",
  offerKeptFor: "Für Sie reserviert noch",
  bookOffer: "Diese Zeit buchen",
  offerLapsed:
    "Die Zeit ist nicht mehr für Sie reserviert. Sie können sie noch buchen, wenn niemand anderes sie genommen hat.",
  offerTaken: "Leider hat inzwischen jemand anderes diese Zeit gebucht.",
  offerInvalid:
    "Dieser Link gilt nicht mehr: Das Angebot wurde schon genutzt oder der Eintrag ist beendet.",
  offerNeedsAnswers:
    "Für diese Leistung gibt es vor dem Buchen ein paar Fragen: Bitte buchen Sie die Zeit auf der Buchungsseite.",
  toBookingPage: "Zur Buchungsseite",
  leaveTitle: "Warteliste verlassen",
  leaveConfirm: "Die Warteliste verlassen? Wir schreiben Ihnen dann nicht mehr zu diesem Tag.",
  leaveYes: "Ja, Warteliste verlassen",
  leftDone: "Sie haben die Warteliste verlassen. Wir schreiben Ihnen zu diesem Tag nicht mehr.",
  leaveEnded: "Dieser Wartelisten-Eintrag ist schon gebucht oder beendet.",

  seriesRow: "Serie",
  seriesPart: "Teil einer wiederkehrenden Serie",
  scopeLegend: "Welche Termine?",
  scopeOne: "Nur diesen",
  scopeFollowing: "Diesen und die folgenden",
  scopeAll: "Alle der Serie",
  cancelledMany: (n) => `${n} Termine sind abgesagt. Ihre Zeiten sind wieder für andere frei.`,
  leftInside: (n) =>
    `${n} konnten online nicht mehr abgesagt werden, weil sie zu kurz bevorstehen. Bitte melden Sie sich dazu bei uns.`,

  slotHeld: (until) =>
    `Jemand anderes hat diese Zeit${until ? ` bis ${until} Uhr (Ihre Zeit)` : ""} reserviert, um zu buchen. Bitte wählen Sie eine andere Zeit.`,
  slotUnavailable:
    "Diese Zeit wurde gerade vergeben oder wird nicht mehr angeboten. Bitte wählen Sie eine andere.",
  holdExpired:
    "Ihre Reservierung ist abgelaufen, und die Zeit ist nicht mehr frei. Es wurde nichts gebucht. Bitte wählen Sie eine andere Zeit.",
  tooMany: (wait) =>
    `Zu viele Anfragen von Ihrer Verbindung. Bitte warten Sie ${wait} und versuchen Sie es erneut.`,
  overloaded: (wait) =>
    `Das Buchungssystem ist gerade sehr ausgelastet. Bitte versuchen Sie es in ${wait} erneut.`,
  storeUnavailable:
    "Buchungen sind kurz nicht möglich. Es wurde nichts geändert. Bitte versuchen Sie es in einer Minute erneut.",
  stillProcessing:
    "Ihre Buchung wird noch bearbeitet. Bitte warten Sie einige Sekunden und versuchen Sie es erneut.",
  network:
    "Der Buchungsdienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut; ein erneuter Versuch bucht nie doppelt.",
  timeout:
    "Der Buchungsdienst hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es erneut; ein erneuter Versuch bucht nie doppelt.",
  notFound:
    "Das haben wir nicht gefunden. Wenn Sie einem Link gefolgt sind, prüfen Sie, ob Sie ihn ganz geöffnet haben.",
  cutoffPassed: (until) =>
    `Diese Änderung ist online nicht mehr möglich${until ? `: Änderungen waren bis ${until} möglich` : ""}. Bitte kontaktieren Sie uns.`,
  notPossible: () => "Diese Änderung ist online nicht mehr möglich. Bitte kontaktieren Sie uns.",
  checkDetails: () => "Bitte prüfen Sie Ihre Angaben.",
  somethingWrong: (code) =>
    `Etwas ist schiefgegangen (${code}). Bitte versuchen Sie es gleich noch einmal.`,
  seconds: (n) => `${n} ${n === 1 ? "Sekunde" : "Sekunden"}`,
  minutes: (n) => `${n} ${n === 1 ? "Minute" : "Minuten"}`,
};
