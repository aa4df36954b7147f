/**
 * What each role's app shows. The server decides (src/http/admin-scopes.ts: 403 for a role that
 * may not call an operation, 404 for another staff member's data); the app only hides what the
 * role cannot do, so nobody is offered a button that can only fail.
 */
export type Role = "owner" | "manager" | "staff";

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  staffId: string | null;
}

export interface Capabilities {
  /** Every staff member's days (a staff account sees its own only). */
  everyone: boolean;
  cancel: boolean;
  reschedule: boolean;
  attendance: boolean;
  /** The business's closures (add, remove). */
  closures: boolean;
  /** The business settings (`settings:write`: owner and manager). */
  settings: boolean;
  /** The business accounts (owner only: `accounts:manage`). */
  accounts: boolean;
  /** Services and staff (`catalog:write`: owner and manager). */
  catalog: boolean;
  /** Anyone's weekly hours (a staff account may change one date of its own, never the week). */
  weeklyHours: boolean;
  /** API keys and webhooks (owner only: `keys:manage`, `webhooks:manage`). */
  integrations: boolean;
}

export function capabilitiesOf(role: Role): Capabilities {
  const business = role === "owner" || role === "manager";
  return {
    everyone: business,
    cancel: business,
    reschedule: business,
    attendance: true,
    closures: business,
    settings: business,
    accounts: role === "owner",
    catalog: business,
    weeklyHours: business,
    integrations: role === "owner",
  };
}

export function isRole(value: unknown): value is Role {
  return value === "owner" || value === "manager" || value === "staff";
}
