/**
 * The pages' words, one typed catalogue per language (en.ts, de.ts, fr.ts, es.ts). Each catalogue
 * is declared as `Messages`, so a key missing in any language is a type error, and
 * i18n.test.ts fails on an empty one. Words only: dates, times and prices are formatted by Intl
 * (time.ts, shared.ts), never spelled out here.
 */

/** The languages the pages speak, in the order the switch lists them. */
export const LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export interface Messages {
  /** The language's own name, for the switch ("Deutsch"). */
  languageName: string;
  /** The switch's label. */
  language: string;

  // The booking page's fixed text (the HTML carries these keys as data-i18n).
  bookTitle: string;
  skipToBooking: string;
  needsJsTimes: string;
  chooseTitle: string;
  serviceLabel: string;
  withLabel: string;
  anyone: string;
  continue: string;
  detailsTitle: string;
  heldFor: string;
  keepLonger: string;
  nameLabel: string;
  emailLabel: string;
  phoneLabel: string;
  notesLabel: string;
  optional: string;
  book: string;
  chooseAnother: string;
  doneTitle: string;
  keepLink: string;
  manageLink: string;
  addToCalendar: string;
  bookAnother: string;

  // The manage page's fixed text.
  manageTitle: string;
  skipToAppointment: string;
  needsJs: string;
  appointmentTitle: string;
  loadingAppointment: string;
  moveToAnother: string;
  cancelAppointment: string;
  confirmCancel: string;
  yesCancel: string;
  noKeep: string;
  chooseNewTime: string;
  moveHere: string;
  keepCurrent: string;

  // The booking page as it goes.
  loadingServices: string;
  servicesFailed: string;
  noServices: string;
  loadAgain: string;
  /** "Haircut (30 min)" in the service list. */
  serviceOption: (name: string, minutes: number) => string;
  /** The service's description line: description, duration, price. */
  serviceInfo: (description: string, minutes: number, price: string) => string;
  ourTeam: string;
  /** "<slot in words> with <staff>" */
  slotWith: (slot: string, staff: string) => string;
  chosen: (what: string) => string;
  chosenAnnounce: (what: string) => string;
  holding: string;
  holdAnnounce: (countdown: string) => string;
  minutesLeft: (minutes: number) => string;
  holdRanOut: (slot: string | undefined) => string;
  chooseATime: string;
  heldMore: (countdown: string) => string;
  heldMoreCapped: (countdown: string) => string;
  booking: string;
  hintName: string;
  hintEmail: string;
  hintPhone: string;
  hintNotes: string;
  bookedSummary: (service: string, staff: string, slot: string, email: string) => string;
  yourAppointment: string;
  bookedAnnounce: string;

  /** A slot in words: "<day> at <time> (<offset>; <time> your time)". */
  slotAt: (day: string, time: string, offset: string, yours: string | undefined) => string;

  // The month and the day's times.
  previousMonth: string;
  nextMonth: string;
  datesNote: string;
  loadingDates: string;
  loadDatesAgain: string;
  freeCount: (n: number) => string;
  noFreeTimes: string;
  dayHasNoTimes: (day: string) => string;
  timesTitle: string;
  timesOn: (day: string) => string;
  loadingTimes: string;
  loadTimesAgain: string;
  noTimesOnDate: string;
  /** The zone note above the times; `visitorZone` when the visitor's own times are shown. */
  timesIn: (zone: string | undefined, offset: string, visitorZone: string | undefined) => string;
  /** "04:00 yours" under a time. */
  yoursShort: (time: string) => string;
  stateAvailable: string;
  stateViewing: string;
  stateHeld: string;
  stateBooked: string;
  stateMine: string;
  notFree: string;

  // The manage page as it goes.
  linkIncomplete: string;
  appointmentNotFound: string;
  tryAgain: string;
  statusRow: string;
  statusConfirmed: string;
  statusCancelled: string;
  serviceRow: string;
  withRow: string;
  whenRow: string;
  nameRow: string;
  cancelledAnnounce: string;
  cannotMoveOnline: string;
  newTime: (slot: string) => string;
  newTimeAnnounce: (slot: string) => string;
  moving: string;
  movedAnnounce: (slot: string) => string;

  // The booking page's repeat choice (a recurring series).
  repeatLabel: string;
  /** Under the repeat choice: the series is with the staff member of the chosen time. */
  repeatWith: (staff: string) => string;
  everyLabel: string;
  /** An option of "every …": "week", "2 weeks". */
  everyWeeks: (n: number) => string;
  countLabel: string;
  checkDates: string;
  seriesTitle: string;
  seriesLoading: string;
  occurrenceFree: string;
  occurrenceTaken: string;
  pickAlternative: string;
  noAlternatives: string;
  leaveOut: string;
  chooseForTaken: string;
  holdSeries: (n: number) => string;
  backToTimes: string;
  /** Above the list of held or booked dates: "4 appointments with Ana". */
  seriesWith: (n: number, staff: string) => string;
  bookedSeriesSummary: (service: string, staff: string, n: number, email: string) => string;
  seriesAnnounce: (free: number, taken: number) => string;

  // The booking page's waitlist ("Notify me").
  notifyMe: string;
  dayFull: (day: string) => string;
  waitlistTitle: (day: string) => string;
  waitlistIntro: string;
  windowLegend: string;
  fromLabel: string;
  toLabel: string;
  joining: string;
  codeSent: (email: string) => string;
  codeLabel: string;
  confirmCode: string;
  hintCode: string;
  onWaitlist: (day: string) => string;
  notNow: string;

  // The waitlist page (/waitlist, from an offer or leave link).
  waitlistPageTitle: string;
  skipToOffer: string;
  offerTitle: string;
  offerIntro: string;
  offerKeptFor: string;
  bookOffer: string;
  offerLapsed: string;
  offerTaken: string;
  offerInvalid: string;
  offerNeedsAnswers: string;
  toBookingPage: string;
  leaveTitle: string;
  leaveConfirm: string;
  leaveYes: string;
  leftDone: string;
  leaveEnded: string;

  // The manage page's series cancel.
  seriesRow: string;
  seriesPart: string;
  scopeLegend: string;
  scopeOne: string;
  scopeFollowing: string;
  scopeAll: string;
  cancelledMany: (n: number) => string;
  leftInside: (n: number) => string;

  // API outcomes in plain words (messages.ts maps each error code to one of these).
  slotHeld: (until: string | undefined) => string;
  slotUnavailable: string;
  holdExpired: string;
  tooMany: (wait: string) => string;
  overloaded: (wait: string) => string;
  storeUnavailable: string;
  stillProcessing: string;
  network: string;
  timeout: string;
  notFound: string;
  cutoffPassed: (until: string | undefined) => string;
  /**
   * `reason` is the API's own message, which is English: catalogues in other languages leave it
   * out rather than mix languages in one sentence.
   */
  notPossible: (reason: string) => string;
  checkDetails: (reason: string) => string;
  somethingWrong: (code: string) => string;
  seconds: (n: number) => string;
  minutes: (n: number) => string;
}
