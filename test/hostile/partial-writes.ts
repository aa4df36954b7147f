/**
 * After the hostile run: reads MySQL directly for rows the run's requests left behind in a broken
 * state. Every name, note and email the suite sends carries `<run>:<seq>` (or `<run>.<seq>@…`),
 * so each row points back at the request that wrote it, and that request must have had a 2xx.
 */
import type { RowDataPacket } from "mysql2/promise";
import { withDb } from "../stack/db-direct.ts";

const CELL_MS = 5 * 60_000;

export async function findPartialWrites(
  run: string,
  staffIds: string[],
  statusBySeq: ReadonlyMap<string, number>,
): Promise<{ problems: string[]; rowsChecked: number }> {
  const like = `%${run}%`;
  const marker = new RegExp(`${run}[:. -](\\w+)`, "g");
  const problems: string[] = [];
  let rowsChecked = 0;
  /** Each marker in `texts` must belong to a request that was answered 2xx. */
  const refused = (what: string, texts: unknown[]) => {
    rowsChecked++;
    for (const text of texts) {
      for (const [, seq = ""] of String(text ?? "").matchAll(marker)) {
        if (!/^\d+$/.test(seq)) continue; // fixture rows ("setup", "session", …)
        const status = statusBySeq.get(seq);
        if (status === undefined || status < 200 || status >= 300) {
          problems.push(`${what} was written by request #${seq}, answered ${status}`);
        }
      }
    }
  };
  await withDb(async (conn) => {
    const rows = async (sql: string, params: unknown[]) =>
      (await conn.query<RowDataPacket[]>(sql, params))[0];
    for (const r of await rows(
      "SELECT id, name, description FROM services WHERE name LIKE ? OR description LIKE ?",
      [like, like],
    )) {
      refused(`service ${r.id}`, [r.name, r.description]);
    }
    for (const r of await rows(
      "SELECT id, name, bio, email FROM staff WHERE name LIKE ? OR bio LIKE ? OR email LIKE ?",
      [like, like, like],
    )) {
      refused(`staff ${r.id}`, [r.name, r.bio, r.email]);
    }
    for (const r of await rows("SELECT id, reason FROM closures WHERE reason LIKE ?", [like])) {
      refused(`closure ${r.id}`, [r.reason]);
    }
    for (const r of await rows(
      "SELECT staff_id, local_date, note FROM staff_overrides WHERE note LIKE ?",
      [like],
    )) {
      refused(`override ${r.staff_id} ${String(r.local_date)}`, [r.note]);
    }
    for (const r of await rows(
      "SELECT c.id, c.email, c.name, (SELECT COUNT(*) FROM appointments a WHERE a.customer_id = c.id) AS n FROM customers c WHERE c.email LIKE ? OR c.name LIKE ?",
      [like, like],
    )) {
      refused(`customer ${r.id}`, [r.email, r.name]);
      if (Number(r.n) === 0) problems.push(`customer ${r.id} (${r.email}) has no appointment`);
    }
    for (const r of await rows(
      "SELECT email FROM auth_codes WHERE email LIKE ? UNION ALL SELECT to_email FROM outbox_emails WHERE to_email LIKE ?",
      [like, like],
    )) {
      refused(`sign-in code or email to ${r.email}`, [r.email]);
    }
    problems.push(...(await brokenAppointments(rows, run, staffIds, refused)));
  });
  return { problems, rowsChecked };
}

type Rows = (sql: string, params: unknown[]) => Promise<RowDataPacket[]>;

/** Stored answers are a JSON list of {id, kind, label, value}. */
function storedAnswersParse(text: string): boolean {
  try {
    const answers: unknown = JSON.parse(text);
    return (
      Array.isArray(answers) &&
      answers.every(
        (a) => typeof a?.id === "string" && typeof a?.kind === "string" && a?.value !== undefined,
      )
    );
  } catch {
    return false;
  }
}

/** Confirmed appointments own exactly the cells of their occupied time; others own none. */
async function brokenAppointments(
  rows: Rows,
  run: string,
  staffIds: string[],
  refused: (what: string, texts: unknown[]) => void,
): Promise<string[]> {
  const problems: string[] = [];
  const like = `%${run}%`;
  for (const r of await rows(
    `SELECT a.id, a.status, a.customer_email, a.customer_name, a.notes, a.answers, a.occupied_start, a.occupied_end,
       (SELECT COUNT(*) FROM appointment_cells c WHERE c.appointment_id = a.id) AS cells
     FROM appointments a WHERE a.staff_id IN (?) OR a.customer_email LIKE ? OR a.notes LIKE ?`,
    [staffIds, like, like],
  )) {
    refused(`appointment ${r.id}`, [r.customer_email, r.customer_name, r.notes]);
    if (r.answers !== null && !storedAnswersParse(String(r.answers)))
      problems.push(`appointment ${r.id} has answers that do not parse: ${String(r.answers)}`);
    const start = new Date(r.occupied_start).getTime();
    const end = new Date(r.occupied_end).getTime();
    const expected =
      r.status === "confirmed" ? Math.ceil(end / CELL_MS) - Math.floor(start / CELL_MS) : 0;
    if (Number(r.cells) !== expected) {
      problems.push(`${r.status} appointment ${r.id} has ${r.cells} cells, expected ${expected}`);
    }
  }
  for (const r of await rows(
    `SELECT c.appointment_id, a.status FROM appointment_cells c LEFT JOIN appointments a ON a.id = c.appointment_id
     WHERE c.staff_id IN (?) AND (a.id IS NULL OR a.status <> 'confirmed')`,
    [staffIds],
  )) {
    problems.push(`cell of ${r.appointment_id} (${r.status ?? "missing"}) outlives its booking`);
  }
  return problems;
}
