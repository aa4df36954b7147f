/** One snapshot per kind of email: what the customer reads, text and HTML, and its calendar file. */
import { describe, expect, it } from "vitest";
import type { Appointment, BookingFacts, OutboxEmail } from "../booking/types.ts";
import { appointmentCalendar } from "../calendar/ics.ts";
import {
  cancellationEmail,
  confirmationEmail,
  formatPrice,
  localWhen,
  rescheduleEmail,
  signInCodeEmail,
} from "./templates.ts";

const NOW_MS = Date.UTC(2026, 11, 1, 8, 0);

const appointment = (over: Partial<Appointment> = {}): Appointment => ({
  id: "apt_5n2k8q1w7d3f9h4m6p0r",
  staffId: "stf_demo_ana",
  serviceId: "svc_demo_cut",
  status: "confirmed",
  startMs: Date.UTC(2026, 11, 7, 9, 0), // 10:00 in Berlin
  endMs: Date.UTC(2026, 11, 7, 9, 45),
  occupiedStartMs: Date.UTC(2026, 11, 7, 9, 0),
  occupiedEndMs: Date.UTC(2026, 11, 7, 10, 0),
  timeZone: "Europe/Berlin",
  customer: { name: "Mia <Weber> & Co", email: "mia@example.com", phone: null },
  notes: "",
  answers: [],
  rescheduledFrom: null,
  createdAtMs: NOW_MS,
  updatedAtMs: NOW_MS,
  cancelledAtMs: null,
  calendar: { uid: "apt_5n2k8q1w7d3f9h4m6p0r", sequence: 0 },
  ...over,
});

const facts: BookingFacts = {
  businessName: "Salon Süd",
  serviceName: "Haircut",
  staffName: "Ana",
  priceMinor: 4500,
  currency: "EUR",
};
const links = { publicBaseUrl: "https://book.example", manageToken: "Zk3mToken_0123456789abcdef" };
const ics = (a: Appointment) =>
  appointmentCalendar({
    events: [
      { appointment: a, summary: "Haircut with Ana", location: "Salon Süd", description: "" },
    ],
    host: "book.example",
    nowMs: NOW_MS,
  });

/** Everything but the random id. */
const shown = ({ id: _id, ...email }: OutboxEmail) => email;

describe("email templates", () => {
  it("formats the local date and time with the zone, and the price in its currency", () => {
    expect(localWhen(appointment())).toBe(
      "Monday, 7 December 2026, 10:00–10:45 (Europe/Berlin, UTC+01:00)",
    );
    expect(formatPrice(4500, "EUR")).toBe("€45.00");
    expect(formatPrice(4500, "JPY")).toBe("JP¥4,500");
  });

  it("confirmation", () => {
    const a = appointment();
    expect(
      shown(confirmationEmail({ appointments: [a], facts, links, ics: ics(a) })),
    ).toMatchSnapshot();
  });

  it("reschedule", () => {
    const previous = appointment();
    const moved = appointment({
      id: "apt_7d3f9h4m6p0r5n2k8q1w",
      startMs: Date.UTC(2026, 11, 8, 13, 30),
      endMs: Date.UTC(2026, 11, 8, 14, 15),
      rescheduledFrom: previous.id,
      calendar: { uid: previous.calendar.uid, sequence: 2 },
    });
    expect(
      shown(rescheduleEmail({ appointments: [moved], previous, facts, links, ics: ics(moved) })),
    ).toMatchSnapshot();
  });

  it("reschedule without a manage token at hand (session or admin): a sign-in link instead", () => {
    const a = appointment();
    const email = rescheduleEmail({
      appointments: [a],
      previous: a,
      facts,
      links: { publicBaseUrl: links.publicBaseUrl, manageToken: null },
      ics: ics(a),
    });
    expect(email.body).toContain("https://book.example/manage?id=apt_5n2k8q1w7d3f9h4m6p0r");
    expect(email.body).not.toContain("token=");
  });

  it("cancellation", () => {
    const a = appointment({ status: "cancelled", cancelledAtMs: NOW_MS });
    expect(
      shown(
        cancellationEmail({
          appointment: a,
          facts,
          publicBaseUrl: links.publicBaseUrl,
          ics: ics(a),
        }),
      ),
    ).toMatchSnapshot();
  });

  it("never carries the intake answers (they may be private): not the questions, not the values", () => {
    const a = appointment({
      answers: [
        { id: "allergies", kind: "textarea", label: { en: "Any allergies?" }, value: "Peanuts" },
        {
          id: "length",
          kind: "choice",
          label: { en: "Hair length" },
          value: "long",
          options: [{ value: "long", label: { en: "Long hair" } }],
        },
      ],
    });
    const emails = [
      confirmationEmail({ appointments: [a], facts, links, ics: ics(a) }),
      rescheduleEmail({ appointments: [a], previous: a, facts, links, ics: ics(a) }),
      cancellationEmail({ appointment: a, facts, publicBaseUrl: links.publicBaseUrl, ics: ics(a) }),
    ];
    for (const email of emails) {
      const text = JSON.stringify(email);
      expect(text).toContain(a.id);
      for (const secret of ["Peanuts", "allergies", "Any allergies?", "Hair length", "Long hair"])
        expect(text).not.toContain(secret);
    }
  });

  it("sign-in code", () => {
    expect(shown(signInCodeEmail({ to: "mia@example.com", code: "042817" }))).toMatchSnapshot();
  });
});
