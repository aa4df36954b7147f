import type { Messages } from "./messages.ts";

export const en: Messages = {
  intl: "en-GB",
  greeting: (name) => `Hello ${name},`,
  greetingNoName: "Hello,",
  card: {
    service: "Service",
    staff: "With",
    date: "Date",
    time: "Time",
    duration: "Duration",
    price: "Price",
    reference: "Reference",
    previously: "Previously",
    cancelled: "Cancelled",
  },
  buttons: {
    change: "Change",
    addToCalendar: "Add to calendar",
    manage: "Manage",
    bookAgain: "Book another time",
  },
  cancelLink: "Cancel this appointment",
  signInToManage: "Sign in with this email address to change or cancel it.",
  footer: (business) => `This email was sent by ${business} about your booking.`,
  confirmation: {
    subject: (f) => `Booking confirmed: ${f.service} with ${f.staff}`,
    title: "Your booking is confirmed",
    intro: (business) => `Thank you for booking with ${business}. See you soon!`,
    introSeveral: (business, count) =>
      `Thank you for booking with ${business}: ${count} appointments, one per time.`,
    attachment: "The calendar file is attached.",
  },
  reschedule: {
    subject: (f) => `Appointment moved: ${f.service} with ${f.staff}`,
    title: "Your appointment has moved",
    intro: (business) => `Your appointment at ${business} has a new time:`,
    attachment: "The updated calendar file is attached.",
  },
  cancellation: {
    subject: (f) => `Appointment cancelled: ${f.service} with ${f.staff}`,
    title: "Your appointment is cancelled",
    intro: (business) => `Your appointment at ${business} is cancelled:`,
    attachment: "The attached calendar file removes it from your calendar.",
  },
  reminder: {
    subject: (f, when) => `Reminder: ${f.service} with ${f.staff}, ${when}`,
    title: "Your appointment is coming up",
    intro: (business, inWords) => `A reminder of your appointment at ${business} in ${inWords}.`,
    attachment: "The calendar file is attached.",
  },
  signInCode: {
    subject: (code) => `Your sign-in code: ${code}`,
    title: "Your sign-in code",
    intro: "Enter this code to see and manage your appointments:",
    validity: "It works once, for 10 minutes.",
    ignore: "If you did not ask for it, ignore this email.",
    footer: "This email was sent because someone asked to sign in with this address.",
  },
  waitlistCode: {
    subject: (code) => `Your waitlist code: ${code}`,
    title: "Confirm your place on the waitlist",
    intro: (what) => `Enter this code to join the waitlist for ${what}:`,
    validity: "It works once, for 10 minutes. It does not sign you in.",
    ignore: "If you did not ask for it, ignore this email: nothing happens without the code.",
    leave: "Leave the waitlist",
    footer: "This email was sent because someone asked to join a waitlist with this address.",
  },
  waitlistOffer: {
    subject: (f) => `A time is free for you: ${f.service} with ${f.staff}`,
    title: "A time became free, and it is held for you",
    intro: (business, until) =>
      `You are next on the waitlist at ${business}. This time is held for you until ${until}; nobody else can take it meanwhile.`,
    book: "Book this time",
    leave: "Leave the waitlist",
    footer: "This email was sent because you joined a waitlist with this address.",
  },
};
