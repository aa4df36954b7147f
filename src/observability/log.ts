/**
 * Structured logs: one JSON object per line, so Workers Logs (and `wrangler tail`) can filter on
 * any field. Every line of a request carries its request id; lines of the Cron Trigger carry the
 * cron expression instead.
 */
export type LogLevel = "info" | "warn" | "error";

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, timeMs: Date.now(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
