import { presentAppointment } from "../booking/present.ts";
import { fromBase64url } from "../crypto.ts";
import { DomainError } from "../errors.ts";
import type { DomainContext } from "../ports.ts";
import { resolveSession } from "./sign-in.ts";

/** Cursor: base64url of "startMs:id" of the last appointment of the previous page. */
function decodeCursor(cursor: string | undefined): { startMs: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  let decoded = "";
  try {
    decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? fromBase64url(cursor) : "";
  } catch {
    decoded = "";
  }
  const [ms, id] = decoded.split(":");
  if (!ms || !id || !/^\d{1,15}$/.test(ms) || !/^[a-z]{3}_[a-z0-9_]{4,36}$/.test(id))
    throw new DomainError("BAD_REQUEST", "query.cursor: not a cursor from this endpoint");
  return { startMs: Number(ms), id };
}

function encodeCursor(startMs: number, id: string): string {
  return btoa(`${startMs}:${id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The signed-in customer's appointments, upcoming or past, oldest first, a page at a time. */
export async function myAppointments({
  ctx,
  input,
}: {
  ctx: DomainContext;
  input: { sessionToken: string; when: "upcoming" | "past"; cursor?: string; limit: number };
}) {
  const email = await resolveSession(ctx, input.sessionToken);
  if (!email)
    throw new DomainError(
      "UNAUTHORIZED",
      "header.authorization: the session is missing, expired or revoked",
    );
  const nowMs = ctx.clock.nowMs();
  const after = decodeCursor(input.cursor);
  const page = await ctx.bookings.list({
    customerEmail: email,
    ...(input.when === "upcoming" ? { fromMs: nowMs } : { toMs: nowMs }),
    ...(after ? { after } : {}),
    limit: input.limit + 1,
  });
  const appointments = page.slice(0, input.limit);
  const last = appointments.at(-1);
  return {
    appointments: appointments.map(presentAppointment),
    nextCursor: page.length > input.limit && last ? encodeCursor(last.startMs, last.id) : null,
  };
}
