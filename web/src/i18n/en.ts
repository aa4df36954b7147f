import type { Messages } from "./types.ts";

export const en: Messages = {
  languageName: "English",
  language: "Language",

  bookTitle: "Book an appointment",
  skipToBooking: "Skip to the booking form",
  needsJsTimes: "This page needs JavaScript to show free times.",
  chooseTitle: "1. What and with whom",
  serviceLabel: "Service",
  withLabel: "With",
  anyone: "Anyone",
  continue: "Continue",
  detailsTitle: "2. Your details",
  heldFor: "Held for you for",
  keepLonger: "Keep it for longer",
  nameLabel: "Name",
  emailLabel: "Email",
  phoneLabel: "Phone",
  notesLabel: "Notes",
  optional: "(optional)",
  book: "Book",
  chooseAnother: "Choose another time",
  doneTitle: "You are booked",
  keepLink: "To see, move or cancel it later, keep this link:",
  manageLink: "Manage your appointment",
  addToCalendar: "Add it to your calendar (.ics file)",
  bookAnother: "Book another appointment",

  manageTitle: "Your appointment",
  skipToAppointment: "Skip to your appointment",
  needsJs: "This page needs JavaScript.",
  appointmentTitle: "Appointment",
  loadingAppointment: "Loading your appointment…",
  moveToAnother: "Move to another time",
  cancelAppointment: "Cancel appointment",
  confirmCancel: "Cancel this appointment? Its time becomes free for others.",
  yesCancel: "Yes, cancel it",
  noKeep: "No, keep it",
  chooseNewTime: "Choose a new time",
  moveHere: "Move my appointment here",
  keepCurrent: "Keep the current time",

  loadingServices: "Loading services…",
  servicesFailed: "Services could not be loaded",
  noServices: "No services are offered yet",
  loadAgain: "Load again",
  serviceOption: (name, minutes) => `${name} (${minutes} min)`,
  serviceInfo: (description, minutes, price) =>
    `${description} ${minutes} minutes, ${price}.`.trim(),
  ourTeam: "our team",
  slotWith: (slot, staff) => `${slot} with ${staff}`,
  chosen: (what) => `Chosen: ${what}`,
  chosenAnnounce: (what) => `Chosen: ${what}. Press Continue to hold it.`,
  holding: "Holding…",
  holdAnnounce: (countdown) => `This time is held for you for ${countdown} minutes.`,
  minutesLeft: (minutes) =>
    `${minutes} ${minutes === 1 ? "minute" : "minutes"} left to book this time.`,
  holdRanOut: (slot) =>
    `Your hold on ${slot ?? "this time"} ran out, so nothing was booked. Choose the time again (it may still be free) or pick another one.`,
  chooseATime: "Choose a time",
  heldMore: (countdown) => `Held for ${countdown} more minutes.`,
  heldMoreCapped: (countdown) =>
    `Held for ${countdown} more minutes; this is the longest we can hold it.`,
  booking: "Booking…",
  hintName: "Please enter your name.",
  hintEmail: "Please enter your email address, such as name@example.com.",
  hintPhone: "Please enter a phone number, such as +49 30 1234567.",
  hintNotes: "Please shorten your notes.",
  bookedSummary: (service, staff, slot, email) =>
    `${service} with ${staff}, ${slot}. A confirmation is on its way to ${email}.`,
  yourAppointment: "Your appointment",
  bookedAnnounce: "You are booked.",

  slotAt: (day, time, offset, yours) =>
    `${day} at ${time} (${offset}${yours ? `; ${yours} your time` : ""})`,

  previousMonth: "Previous month",
  nextMonth: "Next month",
  datesNote: "Dates with free times are marked. Choose one to see its times.",
  loadingDates: "Loading dates…",
  loadDatesAgain: "Load the dates again",
  freeCount: (n) => `${n} free`,
  noFreeTimes: "no free times",
  dayHasNoTimes: (day) => `${day} has no free times.`,
  timesTitle: "Times",
  timesOn: (day) => `Times on ${day}`,
  loadingTimes: "Loading times…",
  loadTimesAgain: "Load the times again",
  noTimesOnDate: "No times on this date. Please choose another date.",
  timesIn: (zone, offset, visitorZone) =>
    `Times are in ${zone ?? "the salon's time zone"} (${offset}).` +
    (visitorZone ? ` Your own time (${visitorZone}) is shown below each time.` : ""),
  yoursShort: (time) => `${time} yours`,
  stateAvailable: "free",
  stateViewing: "someone is looking",
  stateHeld: "held",
  stateBooked: "booked",
  stateMine: "your choice",
  notFree: "This time is not free. Please choose another time.",

  linkIncomplete:
    "This link is incomplete. Please open the full link from your booking confirmation.",
  appointmentNotFound:
    "We could not find this appointment. Please check that you opened the full link from your confirmation.",
  tryAgain: "Try again",
  statusRow: "Status",
  statusConfirmed: "Confirmed",
  statusCancelled: "Cancelled",
  serviceRow: "Service",
  withRow: "With",
  whenRow: "When",
  nameRow: "Name",
  cancelledAnnounce: "Your appointment is cancelled. Its time is free for others again.",
  cannotMoveOnline: "This service cannot be booked online any more. Please contact us to move it.",
  newTime: (slot) => `New time: ${slot}`,
  newTimeAnnounce: (slot) => `New time chosen: ${slot}. Press "Move my appointment here".`,
  moving: "Moving…",
  movedAnnounce: (slot) => `Moved. Your appointment is now ${slot}.`,

  slotHeld: (until) =>
    `Someone else is holding this time${until ? ` until ${until} (your time)` : ""} while they book. Please choose another time.`,
  slotUnavailable:
    "This time has just been taken or is no longer offered. Please choose another time.",
  holdExpired:
    "Your hold on this time ran out and the time is no longer free. Nothing was booked. Please choose another time.",
  tooMany: (wait) => `Too many requests from your connection. Please wait ${wait} and try again.`,
  overloaded: (wait) => `The booking system is very busy right now. Please try again in ${wait}.`,
  storeUnavailable:
    "Bookings are briefly unavailable. Nothing was changed. Please try again in a minute.",
  stillProcessing:
    "Your booking is still being processed. Please wait a few seconds and try again.",
  network:
    "We could not reach the booking service. Check your connection and try again; trying again can never book twice.",
  timeout:
    "The booking service did not answer in time. Please try again; trying again can never book twice.",
  notFound: "We could not find this. If you followed a link, check that you opened all of it.",
  cutoffPassed: (until) =>
    `This change is not possible online any more${until ? `: changes were possible until ${until}` : ""}. Please contact us.`,
  notPossible: (reason) =>
    `This change is not possible online any more (${reason}). Please contact us.`,
  checkDetails: (reason) => `Please check your details: ${reason}.`,
  somethingWrong: (code) => `Something went wrong (${code}). Please try again in a moment.`,
  seconds: (n) => `${n} seconds`,
  minutes: (n) => `${n} minutes`,
};
