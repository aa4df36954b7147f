/**
 * Reads everything availability needs (settings, the service, its staff with schedules,
 * overrides in the range, closures around the range, confirmed appointments around the range,
 * and for a reschedule the appointment and the session that ask) in ONE SQL statement: a UNION ALL of uniformly shaped rows tagged by `kind`. At the edge
 * every round trip costs 5–50 ms, so this is the whole SQL budget of GET /v1/availability.
 */
import type { Client } from "@planetscale/database";
import type {
  AvailabilityData,
  StaffAvailability,
} from "../../domain/availability/availability-data.ts";
import type { Interval } from "../../domain/availability/types.ts";
import type { RescheduleFacts } from "../../domain/live/reschedule-of.ts";
import type { AvailabilitySource } from "../../domain/ports.ts";
import { DEFAULT_SETTINGS, Settings } from "../../domain/settings/settings.ts";
import { addDays } from "../../domain/time/zoned-time.ts";
import { decodeIntervals, decodeWeekly } from "./schedule-codec.ts";
import {
  fromSqlDate,
  fromSqlDateTime,
  parseJsonColumn,
  toBool,
  toInt,
  toSqlDateTime,
} from "./sql-values.ts";

type Row = {
  kind: string;
  id: string | null;
  a: unknown;
  b: unknown;
  c: unknown;
  d: unknown;
  e: unknown;
};

/** Rows have the columns (kind, id, a, b, c, d, e), every value cast to text so the UNION has one type per column. */
const AVAILABILITY_SQL = `
SELECT 'settings' AS kind, CAST(NULL AS CHAR) AS id, CAST(document AS CHAR) AS a, CAST(NULL AS CHAR) AS b,
       CAST(NULL AS CHAR) AS c, CAST(NULL AS CHAR) AS d, CAST(NULL AS CHAR) AS e
  FROM settings WHERE id = 1
UNION ALL
SELECT 'service', id, CAST(duration_min AS CHAR), CAST(buffer_before_min AS CHAR), CAST(buffer_after_min AS CHAR),
       CAST(active AS CHAR), NULL
  FROM services WHERE id = :serviceId
UNION ALL
SELECT 'staff', st.id, st.time_zone, CAST(sc.weekly AS CHAR), NULL, NULL, NULL
  FROM staff st
  JOIN staff_services ss ON ss.staff_id = st.id AND ss.service_id = :serviceId
  LEFT JOIN staff_schedules sc ON sc.staff_id = st.id
  WHERE st.active = 1 AND (:staffId = '' OR st.id = :staffId)
UNION ALL
SELECT 'override', o.staff_id, DATE_FORMAT(o.local_date, '%Y-%m-%d'), CAST(o.intervals AS CHAR), NULL, NULL, NULL
  FROM staff_overrides o
  JOIN staff_services ss ON ss.staff_id = o.staff_id AND ss.service_id = :serviceId
  WHERE o.local_date >= :fromDate AND o.local_date <= :toDate AND (:staffId = '' OR o.staff_id = :staffId)
UNION ALL
SELECT 'closure', id, DATE_FORMAT(start_date, '%Y-%m-%d'), DATE_FORMAT(end_date, '%Y-%m-%d'), NULL, NULL, NULL
  FROM closures WHERE end_date >= :closureFrom AND start_date <= :closureTo
UNION ALL
SELECT 'busy', a.staff_id, DATE_FORMAT(a.occupied_start, '%Y-%m-%d %H:%i:%s'),
       DATE_FORMAT(a.occupied_end, '%Y-%m-%d %H:%i:%s'), a.id, NULL, NULL
  FROM appointments a
  JOIN staff_services ss ON ss.staff_id = a.staff_id AND ss.service_id = :serviceId
  WHERE a.status = 'confirmed' AND a.occupied_start < :busyTo AND a.occupied_end > :busyFrom
    AND (:staffId = '' OR a.staff_id = :staffId)
UNION ALL
SELECT 'reschedule', a.id, a.manage_token_hash, a.customer_email, a.status, NULL, NULL
  FROM appointments a WHERE a.id = :rescheduleOf
UNION ALL
SELECT 'session', NULL, s.email, NULL, NULL, NULL, NULL
  FROM sessions s WHERE s.token_hash = :sessionHash AND s.revoked_at IS NULL AND s.expires_at > :sessionNow`;

/**
 * Local dates span at most UTC−12…UTC+14 around UTC dates, and buffers add a few hours: a
 * two-day margin on each side covers every zone and buffer.
 */
const MARGIN_DAYS = 2;

export class MysqlAvailabilitySource implements AvailabilitySource {
  constructor(private readonly db: Client) {}

  async load(request: {
    serviceId: string;
    staffId?: string;
    fromDate: string;
    toDate: string;
    reschedule?: { appointmentId: string; sessionTokenHash: string | null; nowMs: number };
  }): Promise<AvailabilityData | null> {
    const { reschedule } = request;
    const { rows } = await this.db.execute(AVAILABILITY_SQL, {
      serviceId: request.serviceId,
      staffId: request.staffId ?? "",
      fromDate: request.fromDate,
      toDate: request.toDate,
      closureFrom: addDays(request.fromDate, -MARGIN_DAYS),
      closureTo: addDays(request.toDate, MARGIN_DAYS),
      busyFrom: `${addDays(request.fromDate, -MARGIN_DAYS)} 00:00:00`,
      busyTo: `${addDays(request.toDate, MARGIN_DAYS + 1)} 00:00:00`,
      // Ids and hashes are never empty: '' reads no row.
      rescheduleOf: reschedule?.appointmentId ?? "",
      sessionHash: reschedule?.sessionTokenHash ?? "",
      sessionNow: toSqlDateTime(reschedule?.nowMs ?? 0),
    });
    const data = assemble(rows as Row[]);
    if (data && reschedule) data.reschedule = rescheduleFacts(rows as Row[]);
    return data;
  }
}

/** Turns the tagged rows into AvailabilityData; null when the service is missing or inactive. */
export function assemble(rows: Row[]): AvailabilityData | null {
  let settings: Settings = DEFAULT_SETTINGS;
  let data: Omit<AvailabilityData, "settings"> | null = null;
  const staff = new Map<string, StaffAvailability>();
  const overrides: { staffId: string; date: string; intervals: Interval[] }[] = [];
  const busy: { staffId: string; startMs: number; endMs: number; appointmentId: string }[] = [];
  const closures: AvailabilityData["closures"] = [];
  for (const row of rows) {
    const id = String(row.id);
    switch (row.kind) {
      case "settings":
        settings = Settings.parse(parseJsonColumn(row.a));
        break;
      case "service":
        if (!toBool(row.d)) return null;
        data = {
          service: {
            id,
            durationMin: toInt(row.a),
            bufferBeforeMin: toInt(row.b),
            bufferAfterMin: toInt(row.c),
          },
          staff: [],
          closures,
        };
        break;
      case "staff":
        staff.set(id, {
          staffId: id,
          timeZone: row.a === null ? null : String(row.a),
          weekly: row.b === null ? {} : decodeWeekly(parseJsonColumn(row.b)),
          overrides: new Map(),
          busy: [],
        });
        break;
      case "override":
        overrides.push({
          staffId: id,
          date: fromSqlDate(row.a),
          intervals: decodeIntervals(parseJsonColumn(row.b)),
        });
        break;
      case "closure":
        closures.push({
          id,
          startDate: fromSqlDate(row.a),
          endDate: fromSqlDate(row.b),
          reason: "",
        });
        break;
      case "busy":
        busy.push({
          staffId: id,
          startMs: fromSqlDateTime(row.a),
          endMs: fromSqlDateTime(row.b),
          appointmentId: String(row.c),
        });
        break;
    }
  }
  if (!data) return null;
  for (const o of overrides)
    (staff.get(o.staffId)?.overrides as Map<string, Interval[]> | undefined)?.set(
      o.date,
      o.intervals,
    );
  for (const { staffId, ...range } of busy) staff.get(staffId)?.busy.push(range);
  return { settings, ...data, staff: [...staff.values()] };
}

/** The appointment a reschedule names and the session presented, from the same rows. */
function rescheduleFacts(rows: Row[]): RescheduleFacts {
  const appointment = rows.find((row) => row.kind === "reschedule");
  const session = rows.find((row) => row.kind === "session");
  return {
    appointment: appointment
      ? {
          id: String(appointment.id),
          manageTokenHash: String(appointment.a),
          customerEmail: String(appointment.b),
          confirmed: appointment.c === "confirmed",
        }
      : null,
    sessionEmail: session ? String(session.a) : null,
  };
}
