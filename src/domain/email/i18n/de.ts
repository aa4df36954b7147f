import type { Messages } from "./messages.ts";

export const de: Messages = {
  intl: "de-DE",
  greeting: (name) => `Hallo ${name},`,
  greetingNoName: "Hallo,",
  card: {
    service: "Leistung",
    staff: "Bei",
    date: "Datum",
    time: "Uhrzeit",
    duration: "Dauer",
    price: "Preis",
    reference: "Buchungsnummer",
    previously: "Bisher",
    cancelled: "Storniert",
  },
  buttons: {
    change: "Ändern",
    addToCalendar: "Zum Kalender hinzufügen",
    manage: "Verwalten",
    bookAgain: "Neuen Termin buchen",
  },
  cancelLink: "Diesen Termin stornieren",
  signInToManage: "Melden Sie sich mit dieser E-Mail-Adresse an, um ihn zu ändern oder abzusagen.",
  footer: (business) => `Diese E-Mail hat ${business} zu Ihrer Buchung gesendet.`,
  confirmation: {
    subject: (f) => `Buchung bestätigt: ${f.service} bei ${f.staff}`,
    title: "Ihre Buchung ist bestätigt",
    intro: (business) => `Vielen Dank für Ihre Buchung bei ${business}. Bis bald!`,
    introSeveral: (business, count) =>
      `Vielen Dank für Ihre Buchung bei ${business}: ${count} Termine, einer pro Uhrzeit.`,
    attachment: "Die Kalenderdatei ist angehängt.",
  },
  reschedule: {
    subject: (f) => `Termin verschoben: ${f.service} bei ${f.staff}`,
    title: "Ihr Termin wurde verschoben",
    intro: (business) => `Ihr Termin bei ${business} hat eine neue Uhrzeit:`,
    attachment: "Die aktualisierte Kalenderdatei ist angehängt.",
  },
  cancellation: {
    subject: (f) => `Termin storniert: ${f.service} bei ${f.staff}`,
    title: "Ihr Termin ist storniert",
    intro: (business) => `Ihr Termin bei ${business} ist storniert:`,
    attachment: "Die angehängte Kalenderdatei entfernt ihn aus Ihrem Kalender.",
  },
  reminder: {
    subject: (f, when) => `Erinnerung: ${f.service} bei ${f.staff}, ${when}`,
    title: "Ihr Termin steht bald an",
    intro: (business, inWords) => `Eine Erinnerung an Ihren Termin bei ${business} in ${inWords}.`,
    attachment: "Die Kalenderdatei ist angehängt.",
  },
  signInCode: {
    subject: (code) => `Ihr Anmeldecode: ${code}`,
    title: "Ihr Anmeldecode",
    intro: "Geben Sie diesen Code ein, um Ihre Termine zu sehen und zu verwalten:",
    validity: "Er ist einmal verwendbar und 10 Minuten lang gültig.",
    ignore: "Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail.",
    footer: "Diese E-Mail wurde gesendet, weil sich jemand mit dieser Adresse anmelden wollte.",
  },
  waitlistCode: {
    subject: (code) => `Ihr Wartelisten-Code: ${code}`,
    title: "Bestätigen Sie Ihren Platz auf der Warteliste",
    intro: (what) => `Geben Sie diesen Code ein, um sich auf die Warteliste für ${what} zu setzen:`,
    validity: "Er ist einmal verwendbar und 10 Minuten lang gültig. Er meldet Sie nicht an.",
    ignore:
      "Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail: ohne den Code geschieht nichts.",
    leave: "Warteliste verlassen",
    footer:
      "Diese E-Mail wurde gesendet, weil sich jemand mit dieser Adresse auf eine Warteliste setzen wollte.",
  },
  waitlistOffer: {
    subject: (f) => `Ein Termin ist für Sie frei: ${f.service} bei ${f.staff}`,
    title: "Ein Termin ist frei geworden und für Sie reserviert",
    intro: (business, until) =>
      `Sie stehen als Nächstes auf der Warteliste bei ${business}. Dieser Termin ist bis ${until} für Sie reserviert; niemand sonst kann ihn bis dahin buchen.`,
    book: "Diesen Termin buchen",
    leave: "Warteliste verlassen",
    footer:
      "Diese E-Mail wurde gesendet, weil Sie sich mit dieser Adresse auf eine Warteliste gesetzt haben.",
  },
};
