import type { Closure } from "../catalog/types.ts";
import type { RescheduleFacts } from "../live/reschedule-of.ts";
import type { Settings } from "../settings/settings.ts";
import type { BusyRange, Interval, ServiceSpec, WeeklySchedule } from "./types.ts";

/** Everything availability needs about one service, read in ONE SQL round trip. */
export interface AvailabilityData {
  settings: Settings;
  service: ServiceSpec;
  /** Active staff who perform the service (only `staffId` when one was asked for). */
  staff: StaffAvailability[];
  closures: Closure[];
  /** Only when the request named an appointment to reschedule (see live/reschedule-of.ts). */
  reschedule?: RescheduleFacts;
}

export interface StaffAvailability {
  staffId: string;
  /** The staff member's own zone, or null for the business's zone. */
  timeZone: string | null;
  weekly: WeeklySchedule;
  overrides: ReadonlyMap<string, Interval[]>;
  /** Confirmed appointments' occupied time (buffers included) around the requested dates. */
  busy: (BusyRange & { appointmentId?: string })[];
}
