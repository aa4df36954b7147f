/**
 * The emails' words come from Intl, and the Workers runtime carries its own ICU: a German and a
 * French email rendered inside workerd must say what they say under Node (templates.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { Appointment } from "../booking/types.ts";
import { confirmationEmail, signInCodeEmail } from "./templates.ts";

const appointment = (locale: Appointment["locale"]): Appointment => ({
  id: "apt_5n2k8q1w7d3f9h4m6p0r",
  staffId: "stf_a",
  serviceId: "svc_a",
  status: "confirmed",
  startMs: Date.UTC(2026, 11, 7, 9),
  endMs: Date.UTC(2026, 11, 7, 10, 30),
  occupiedStartMs: Date.UTC(2026, 11, 7, 9),
  occupiedEndMs: Date.UTC(2026, 11, 7, 10, 30),
  timeZone: "Europe/Berlin",
  customer: { name: "Mia", email: "mia@example.com", phone: null },
  notes: "",
  locale,
  rescheduledFrom: null,
  seriesId: null,
  createdAtMs: 0,
  updatedAtMs: 0,
  cancelledAtMs: null,
  attendanceChangedAtMs: null,
  attendanceChangedBy: null,
  answers: [],
  calendar: { uid: "apt_5n2k8q1w7d3f9h4m6p0r", sequence: 0 },
});

const facts = {
  businessName: "Salon Süd",
  serviceName: "Haircut",
  staffName: "Ana",
  priceMinor: 4500,
  currency: "EUR",
};
const links = { publicBaseUrl: "https://book.example", manageToken: "Zk3mToken_0123456789abcdef" };

describe("emails inside workerd", () => {
  it("German: date, time, zone name, duration and price from the runtime's Intl", () => {
    const email = confirmationEmail({ appointments: [appointment("de")], facts, links, ics: "" });
    expect(email.body).toContain("Datum: Montag, 7. Dezember 2026");
    expect(email.body).toContain("Uhrzeit: 10:00–11:30 Uhr (Mitteleuropäische Normalzeit)");
    expect(email.body).toContain("Dauer: 1 Stunde, 30 Minuten");
    expect(email.body).toContain("Preis: 45,00\u00a0€");
  });

  it("French: the code email", () => {
    const email = signInCodeEmail({ to: "mia@example.com", code: "042817", locale: "fr" });
    expect(email.subject).toBe("Votre code de connexion\u00a0: 042817");
    expect(email.html).toContain('<html lang="fr"');
  });
});
