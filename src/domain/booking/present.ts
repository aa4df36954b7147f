import { formatInstant } from "../time/zoned-time.ts";
import type { Appointment } from "./types.ts";

/** An appointment as the API shows it: times with the staff member's UTC offset. */
export function presentAppointment(a: Appointment) {
  return {
    id: a.id,
    status: a.status,
    staffId: a.staffId,
    serviceId: a.serviceId,
    start: formatInstant(a.startMs, a.timeZone),
    end: formatInstant(a.endMs, a.timeZone),
    customer: a.customer,
    notes: a.notes,
    locale: a.locale,
    answers: a.answers,
    rescheduledFrom: a.rescheduledFrom,
    seriesId: a.seriesId,
    createdAt: new Date(a.createdAtMs).toISOString(),
    updatedAt: new Date(a.updatedAtMs).toISOString(),
    cancelledAt: a.cancelledAtMs === null ? null : new Date(a.cancelledAtMs).toISOString(),
    attendanceChangedAt:
      a.attendanceChangedAtMs === null ? null : new Date(a.attendanceChangedAtMs).toISOString(),
    attendanceChangedBy: a.attendanceChangedBy,
  };
}

export type PresentedAppointment = ReturnType<typeof presentAppointment>;
