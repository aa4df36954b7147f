/**
 * The business session: the `ae_bs_…` token from `POST /v1/admin/auth/verify`, kept in
 * sessionStorage (this tab only; closing it forgets the session, and another site's script
 * cannot read it: the page's CSP allows no script but its own), sent as `Authorization: Bearer`.
 * A 401 on any call ends the session in the app too.
 */
import { type ApiResult, call } from "../api.ts";
import { type Account, isRole } from "./roles.ts";

const KEY = "ae-business-session";

export interface Session {
  token: string;
  expiresAt: string;
  account: Account;
}

/** The kept session, if it is well formed and not expired at `nowMs`. */
export function parseSession(raw: string | null, nowMs: number): Session | undefined {
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== "string" || !s.token.startsWith("ae_bs_")) return undefined;
    if (typeof s.expiresAt !== "string" || !(Date.parse(s.expiresAt) > nowMs)) return undefined;
    if (!s.account || !isRole(s.account.role) || typeof s.account.id !== "string") return undefined;
    return s as Session;
  } catch {
    return undefined;
  }
}

export function loadSession(): Session | undefined {
  try {
    return parseSession(sessionStorage.getItem(KEY), Date.now());
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage blocked: the session lives in this page only.
  }
}

/** An authenticated API call; `onUnauthorized` runs on a 401 (the session is over). */
export function authedCaller(session: Session, onUnauthorized: () => void) {
  return async <T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> => {
    const result = await call<T>(method, path, {
      headers: { Authorization: `Bearer ${session.token}` },
      ...(body === undefined ? {} : { body }),
    });
    if (!result.ok && result.status === 401) onUnauthorized();
    return result;
  };
}

export type Caller = ReturnType<typeof authedCaller>;
