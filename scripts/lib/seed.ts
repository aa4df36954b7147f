/**
 * Demo data for `npm run dev`: one business in Europe/Berlin, three services of different
 * lengths and buffers, and three staff with weekly hours and breaks. Idempotent (fixed demo ids,
 * upserts). Tests never use these rows: every test makes its own ids.
 */
import mysql from "mysql2/promise";
import { QuestionList } from "../../src/domain/catalog/questions.ts";
import { Settings } from "../../src/domain/settings/settings.ts";

const settings = Settings.parse({
  businessName: "Studio Lumen (demo)",
  timeZone: "Europe/Berlin",
  slotIntervalMin: 15,
  minNoticeMin: 60,
  horizonDays: 60,
  // Reminder emails 24 hours and 2 hours before each start (the Cron Trigger writes them to the
  // outbox: GET /v1/admin/outbox shows them in development).
  reminders: [1440, 120],
});

/** The colour treatment asks before booking: one required question, one optional (validated here). */
const colourQuestions = QuestionList.parse([
  {
    id: "coloured-before",
    kind: "choice",
    label: {
      en: "Has your hair been coloured in the last 6 months?",
      de: "Wurde Ihr Haar in den letzten 6 Monaten gefärbt?",
    },
    required: true,
    options: [
      { value: "no", label: { en: "No", de: "Nein" } },
      { value: "yes-salon", label: { en: "Yes, at a salon", de: "Ja, im Salon" } },
      { value: "yes-home", label: { en: "Yes, at home", de: "Ja, zu Hause" } },
    ],
  },
  {
    id: "allergies",
    kind: "textarea",
    label: { en: "Any allergies or sensitive scalp?", de: "Allergien oder empfindliche Kopfhaut?" },
    maxLength: 500,
  },
]);

const services = [
  {
    id: "svc_demo_trim",
    name: "Quick trim",
    description: "A 30-minute tidy-up.",
    duration: 30,
    before: 0,
    after: 0,
    price: 2500,
  },
  {
    id: "svc_demo_cut",
    name: "Cut and style",
    description: "Wash, cut and style.",
    duration: 60,
    before: 0,
    after: 15,
    price: 5500,
  },
  {
    id: "svc_demo_colour",
    name: "Colour treatment",
    description: "Full colour with consultation.",
    duration: 120,
    before: 15,
    after: 15,
    price: 12000,
    questions: colourQuestions,
  },
];

const weekdays = (days: number[], intervals: [string, string][]) =>
  Object.fromEntries(days.map((day) => [String(day), intervals]));

const staff = [
  {
    id: "stf_demo_ana",
    name: "Ana",
    bio: "Senior stylist.",
    email: "ana@studio-lumen.example",
    services: ["svc_demo_trim", "svc_demo_cut", "svc_demo_colour"],
    weekly: weekdays(
      [1, 2, 3, 4, 5],
      [
        ["09:00", "12:00"],
        ["13:00", "17:00"],
      ],
    ),
  },
  {
    id: "stf_demo_ben",
    name: "Ben",
    bio: "Cuts and fades.",
    email: "ben@studio-lumen.example",
    services: ["svc_demo_trim", "svc_demo_cut"],
    weekly: weekdays(
      [2, 3, 4, 5, 6],
      [
        ["10:00", "14:00"],
        ["14:30", "19:00"],
      ],
    ),
  },
  {
    id: "stf_demo_chloe",
    name: "Chloé",
    bio: "Colour specialist.",
    email: "chloe@studio-lumen.example",
    services: ["svc_demo_colour", "svc_demo_cut"],
    weekly: weekdays(
      [1, 3, 5],
      [
        ["08:00", "12:30"],
        ["13:30", "16:00"],
      ],
    ),
  },
];

export async function seedDemo(mysqlUrl: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: mysqlUrl });
  try {
    const now = "UTC_TIMESTAMP(3)";
    await conn.query(
      `INSERT INTO settings (id, document, updated_at) VALUES (1, ?, ${now}) ON DUPLICATE KEY UPDATE document = VALUES(document), updated_at = ${now}`,
      [JSON.stringify(settings)],
    );
    for (const s of services) {
      await conn.query(
        `INSERT INTO services (id, name, description, duration_min, buffer_before_min, buffer_after_min, price_minor, currency, active, questions, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'EUR', 1, ?, ${now}, ${now})
         ON DUPLICATE KEY UPDATE name = VALUES(name), description = VALUES(description), duration_min = VALUES(duration_min),
           buffer_before_min = VALUES(buffer_before_min), buffer_after_min = VALUES(buffer_after_min), price_minor = VALUES(price_minor), active = 1,
           questions = VALUES(questions), updated_at = ${now}`,
        [
          s.id,
          s.name,
          s.description,
          s.duration,
          s.before,
          s.after,
          s.price,
          "questions" in s ? JSON.stringify(s.questions) : null,
        ],
      );
    }
    for (const m of staff) {
      await conn.query(
        `INSERT INTO staff (id, name, bio, email, phone, time_zone, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, NULL, NULL, 1, ${now}, ${now})
         ON DUPLICATE KEY UPDATE name = VALUES(name), bio = VALUES(bio), email = VALUES(email), active = 1, updated_at = ${now}`,
        [m.id, m.name, m.bio, m.email],
      );
      await conn.query("DELETE FROM staff_services WHERE staff_id = ?", [m.id]);
      for (const serviceId of m.services) {
        await conn.query("INSERT INTO staff_services (staff_id, service_id) VALUES (?, ?)", [
          m.id,
          serviceId,
        ]);
      }
      await conn.query(
        `INSERT INTO staff_schedules (staff_id, weekly, updated_at) VALUES (?, ?, ${now})
         ON DUPLICATE KEY UPDATE weekly = VALUES(weekly), updated_at = ${now}`,
        [m.id, JSON.stringify(m.weekly)],
      );
    }
  } finally {
    await conn.end();
  }
}

export const DEMO_COUNTS = { services: services.length, staff: staff.length };

/** Writes the business settings document (tests, bench and drill set their own rules). */
export async function putSettings(mysqlUrl: string, document: object): Promise<void> {
  const conn = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await conn.query(
      `INSERT INTO settings (id, document, updated_at) VALUES (1, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE document = VALUES(document), updated_at = VALUES(updated_at)`,
      [JSON.stringify(document)],
    );
  } finally {
    await conn.end();
  }
}

/**
 * The booking rules of the load runs (`npm run bench`, `npm run drill`): 15-minute slots, no
 * minimum notice, a year ahead, so any slot a client picks can be held at once.
 */
export function putLoadTestSettings(mysqlUrl: string): Promise<void> {
  return putSettings(mysqlUrl, {
    timeZone: "Europe/Berlin",
    slotIntervalMin: 15,
    minNoticeMin: 0,
    horizonDays: 365,
  });
}
