/**
 * Conversions between MySQL text values and domain values. Instants are stored as DATETIME in
 * UTC and converted here explicitly, so nothing depends on the session time zone. Numbers that
 * the driver returns as strings (BIGINT, DECIMAL, COUNT) are converted with checks.
 */

/** "2026-01-05 09:00:00.000" (UTC) for an instant. */
export function toSqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** An instant from a UTC DATETIME value. */
export function fromSqlDateTime(value: unknown): number {
  const ms = Date.parse(`${String(value).replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) throw new Error(`not a DATETIME: ${String(value)}`);
  return ms;
}

/** A DATE value as "YYYY-MM-DD". */
export function fromSqlDate(value: unknown): string {
  const text = String(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error(`not a DATE: ${text}`);
  return text;
}

export function toInt(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${String(value)}`);
  return n;
}

export function toBool(value: unknown): boolean {
  return toInt(value) !== 0;
}

/** MariaDB returns JSON columns as text and PlanetScale as objects; accept both. */
export function parseJsonColumn(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

/** A deadlock (1213) or lock wait timeout (1205): MySQL rolled the transaction back; retry it. */
export function isRetryableConflict(error: unknown): boolean {
  return error instanceof Error && /errno 1213|errno 1205|Deadlock found/.test(error.message);
}

/** True for MySQL's duplicate-key error (errno 1062), as the PlanetScale driver reports it. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof Error && /errno 1062|ALREADY_EXISTS|Duplicate entry/.test(error.message);
}
