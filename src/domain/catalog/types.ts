import type { Interval, WeeklySchedule } from "../availability/types.ts";
import type { Question } from "./questions.ts";

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface Service {
  id: string;
  name: string;
  description: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  price: Money;
  active: boolean;
  /** Reminder offsets (minutes before the start) for this service; null: the business's. */
  reminders: number[] | null;
  /** Intake questions asked at booking (questions.ts); empty when none. */
  questions: Question[];
  createdAtMs: number;
  updatedAtMs: number;
}

export type ServiceInput = Omit<Service, "id" | "createdAtMs" | "updatedAtMs">;

export interface Staff {
  id: string;
  name: string;
  bio: string;
  /** Private: never in a public response. */
  email: string;
  /** Private: never in a public response. */
  phone: string | null;
  /** The staff member's own IANA zone; null means the business's zone. */
  timeZone: string | null;
  serviceIds: string[];
  active: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export type StaffInput = Omit<Staff, "id" | "createdAtMs" | "updatedAtMs">;

export interface DateOverride {
  staffId: string;
  date: string;
  /** Replaces the weekly hours of that local date; empty = day off. */
  intervals: Interval[];
  note: string;
}

export interface Closure {
  id: string;
  startDate: string;
  endDate: string;
  reason: string;
}

export type { Interval, WeeklySchedule };
