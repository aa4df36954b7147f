/** The drill's audit, straight from MySQL (mysql2, not through the worker or the gateway). */
import mysql from "mysql2/promise";

export interface Audit {
  /** Pairs of confirmed appointments of one staff member whose occupied times overlap. */
  doubleBookings: number;
  /** Confirmed appointments of the drill's staff in the database. */
  confirmedInDb: number;
  /** 201 answers whose appointment is not confirmed in the database. */
  lost: number;
}

export async function auditBookings(
  mysqlUrl: string,
  staffIds: string[],
  bookedIds: string[],
): Promise<Audit> {
  const conn = await mysql.createConnection({ uri: mysqlUrl });
  try {
    const staff = staffIds.map(() => "?").join(",");
    const [pairs] = await conn.query(
      `SELECT COUNT(*) AS n FROM appointments a JOIN appointments b
         ON a.staff_id = b.staff_id AND a.id < b.id
        AND a.occupied_start < b.occupied_end AND b.occupied_start < a.occupied_end
       WHERE a.status = 'confirmed' AND b.status = 'confirmed' AND a.staff_id IN (${staff})`,
      staffIds,
    );
    const [confirmed] = await conn.query(
      `SELECT COUNT(*) AS n FROM appointments WHERE status = 'confirmed' AND staff_id IN (${staff})`,
      staffIds,
    );
    let lost = 0;
    for (let i = 0; i < bookedIds.length; i += 500) {
      const chunk = bookedIds.slice(i, i + 500);
      const [rows] = await conn.query(
        `SELECT id FROM appointments WHERE status = 'confirmed' AND id IN (${chunk.map(() => "?").join(",")})`,
        chunk,
      );
      const found = new Set((rows as { id: string }[]).map((r) => r.id));
      for (const id of chunk) if (!found.has(id)) lost++;
    }
    return {
      doubleBookings: Number((pairs as { n: number }[])[0]?.n),
      confirmedInDb: Number((confirmed as { n: number }[])[0]?.n),
      lost,
    };
  } finally {
    await conn.end();
  }
}
