/**
 * The words of every email, per language: each catalogue (en.ts, de.ts, fr.ts, es.ts) is a
 * `Messages`, so a missing key is a type error, and i18n.test.ts fails on an empty one. Texts
 * are plain (the layout escapes them and every value put into them). Dates, times, durations and
 * prices are not here: Intl formats them in `intl`'s conventions (../format.ts).
 */

/** What a booking email's subject names. */
export interface SubjectFacts {
  service: string;
  staff: string;
}

export interface Messages {
  /** The Intl locale for dates, times, durations and prices (a region picks e.g. 24-hour time). */
  intl: string;
  /** "Hello Mia," */
  greeting: (name: string) => string;
  /** When the name is not known (the sign-in code). */
  greetingNoName: string;
  /** The labels of the appointment card. */
  card: {
    service: string;
    staff: string;
    date: string;
    time: string;
    duration: string;
    price: string;
    reference: string;
    /** A moved appointment's old time. */
    previously: string;
    /** Shown on a cancelled appointment's card. */
    cancelled: string;
  };
  buttons: {
    /** The manage link (change or cancel). */
    change: string;
    /** The appointment's .ics link. */
    addToCalendar: string;
    /** The manage page when no manage token is at hand: the customer signs in first. */
    manage: string;
    /** The booking page, after a cancellation. */
    bookAgain: string;
  };
  /** The small link under the buttons (the manage page with `action=cancel`). */
  cancelLink: string;
  /** Beside the manage button when it needs a sign-in. */
  signInToManage: string;
  /** "This email was sent by Salon Süd about your booking." */
  footer: (business: string) => string;
  confirmation: {
    subject: (f: SubjectFacts) => string;
    title: string;
    intro: (business: string) => string;
    /** For a booking of several slots (one card each). */
    introSeveral: (business: string, count: number) => string;
    attachment: string;
  };
  reschedule: {
    subject: (f: SubjectFacts) => string;
    title: string;
    intro: (business: string) => string;
    attachment: string;
  };
  cancellation: {
    subject: (f: SubjectFacts) => string;
    title: string;
    intro: (business: string) => string;
    attachment: string;
  };
  /** Sent `inWords` ("in 24 hours") before the start (settings `reminders`). */
  reminder: {
    subject: (f: SubjectFacts, when: string) => string;
    title: string;
    intro: (business: string, inWords: string) => string;
    attachment: string;
  };
  signInCode: {
    subject: (code: string) => string;
    title: string;
    intro: string;
    /** Under the code. */
    validity: string;
    ignore: string;
    footer: string;
  };
  /** The code that confirms a waitlist entry (it signs nobody in). */
  waitlistCode: {
    subject: (code: string) => string;
    title: string;
    /** Names what is waited for: "Haircut on 7 December 2026". */
    intro: (what: string) => string;
    validity: string;
    ignore: string;
    /** The link that leaves the list. */
    leave: string;
    footer: string;
  };
  /** A freed time held for the first person waiting. */
  waitlistOffer: {
    subject: (f: SubjectFacts) => string;
    title: string;
    intro: (business: string, until: string) => string;
    book: string;
    leave: string;
    footer: string;
  };
}
