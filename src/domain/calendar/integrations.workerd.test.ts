/**
 * The integration libraries inside workerd: ical-generator builds a calendar file and
 * standardwebhooks signs and verifies a payload in the Workers runtime, not only in Node.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "../webhooks/manage-webhooks.ts";
import { appointmentCalendar } from "./ics.ts";

describe("integrations inside workerd", () => {
  it("builds an RFC 5545 calendar file with ical-generator", () => {
    const text = appointmentCalendar({
      events: [
        {
          appointment: {
            id: "apt_5n2k8q1w7d3f9h4m6p0r",
            staffId: "stf_a",
            serviceId: "svc_a",
            status: "confirmed",
            startMs: Date.UTC(2026, 11, 7, 9),
            endMs: Date.UTC(2026, 11, 7, 10),
            occupiedStartMs: Date.UTC(2026, 11, 7, 9),
            occupiedEndMs: Date.UTC(2026, 11, 7, 10),
            timeZone: "Europe/Berlin",
            customer: { name: "Mia", email: "mia@example.com", phone: null },
            notes: "",
            locale: "en",
            answers: [],
            rescheduledFrom: null,
            seriesId: null,
            createdAtMs: 0,
            updatedAtMs: 0,
            cancelledAtMs: null,
            attendanceChangedAtMs: null,
            attendanceChangedBy: null,
            calendar: { uid: "apt_5n2k8q1w7d3f9h4m6p0r", sequence: 0 },
          },
          summary: "Haircut with Ana",
          location: "Salon",
          description: "",
        },
      ],
      host: "book.example",
      nowMs: Date.UTC(2026, 11, 1),
    });
    expect(text).toContain("BEGIN:VEVENT\r\n");
    expect(text).toContain("DTSTART:20261207T090000Z\r\n");
    expect(text).toContain("UID:apt_5n2k8q1w7d3f9h4m6p0r@book.example\r\n");
  });

  it("signs with standardwebhooks, and the signature verifies", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: "appointment.created" });
    const at = new Date();
    const signature = new Webhook(secret).sign("msg_1", at, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(body, {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    });
    expect(verified).toEqual({ type: "appointment.created" });
  });
});
