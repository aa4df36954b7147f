/**
 * A small booking flow written the way an API consumer would: against the types that
 * openapi-typescript generates from /openapi.json, with openapi-fetch. typed-client.test.ts
 * generates the types into `./api.gen.d.ts` beside a copy of this file, typechecks the copy, then
 * runs it against the app. Outside that copy `./api.gen.d.ts` does not exist, so tsconfig.json
 * leaves this file out of `npm run typecheck`.
 */
import createClient from "openapi-fetch";
import type { paths } from "./api.gen";

export type ApiClient = ReturnType<typeof createClient<paths>>;

export function apiClient(fetch: (request: Request) => Promise<Response>): ApiClient {
  return createClient<paths>({ baseUrl: "http://localhost", fetch });
}

/** Every code POST /v1/appointments may answer with, as the document lists them. */
type BookingErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "SLOT_HELD"
  | "SLOT_UNAVAILABLE"
  | "IDEMPOTENCY_CONFLICT"
  | "HOLD_EXPIRED"
  | "NO_SHOW_LIMIT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "INTERNAL"
  | "BAD_ENVIRONMENT"
  | "STORE_UNAVAILABLE"
  | "OVERLOADED";

/** The `error` of a 409 of POST /v1/appointments, as the generated types give it. */
type BookingConflict =
  paths["/v1/appointments"]["post"]["responses"][409]["content"]["application/json"]["error"];

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export interface BookingInput {
  serviceId: string;
  staffId: string;
  date: string;
  clientId: string;
  idempotencyKey: string;
  customer: { name: string; email: string };
}

/** Reads the day's slots, holds the first available one and books it. */
export async function bookFirstFreeSlot(
  client: ApiClient,
  input: BookingInput,
): Promise<{ appointmentId: string; start: string; manageToken: string }> {
  const { serviceId, staffId, date, clientId } = input;
  const availability = await client.GET("/v1/availability", {
    params: { query: { serviceId, staffId, from: date, to: date } },
  });
  if (availability.error) throw new Error(`availability: ${availability.error.error.code}`);
  const slot = availability.data.days[0]?.slots.find((s) => s.state === "available");
  if (!slot) throw new Error(`no available slot on ${date}`);

  const hold = await client.POST("/v1/holds", {
    body: { clientId, serviceId, staffId, start: slot.start },
  });
  if (hold.error) {
    // The answers a client plans for, read from each code's typed details: someone else holds
    // it (until when), or too many holds (whose, and until when).
    const refusal = hold.error.error;
    if (refusal.code === "SLOT_HELD") {
      const until: string | undefined = refusal.details?.heldUntil;
      throw new Error(`hold refused: held until ${until}`);
    }
    if (refusal.code === "HOLD_LIMIT") {
      const holder: "client" | "ip" | "series" | undefined = refusal.details?.holder;
      throw new Error(`hold refused: the ${holder} limit, until ${refusal.details?.retryAt}`);
    }
    throw new Error(`hold: ${refusal.code}`);
  }

  // The hold token is a declared credential of PATCH /v1/holds/{holdId}: the client must send it.
  const extended = await client.PATCH("/v1/holds/{holdId}", {
    params: { path: { holdId: hold.data.holdId }, header: { "x-hold-token": hold.data.holdToken } },
  });
  if (extended.error) throw new Error(`extend: ${extended.error.error.code}`);

  const booked = await client.POST("/v1/appointments", {
    params: { header: { "idempotency-key": input.idempotencyKey } },
    body: { holdId: hold.data.holdId, holdToken: hold.data.holdToken, customer: input.customer },
  });
  if (booked.error) {
    // The document lists exactly these codes for this operation, status by status.
    const failure = booked.error.error;
    const exact: Equal<typeof failure.code, BookingErrorCode> = true;
    if (failure.code === "SLOT_UNAVAILABLE" || failure.code === "HOLD_EXPIRED") {
      const nearby: string[] | undefined = failure.details?.nearby;
      throw new Error(`booking: ${failure.code}, free nearby: ${nearby?.join(", ")} (${exact})`);
    }
    throw new Error(`booking: ${failure.code} (${exact})`);
  }
  const retryAfter: string | null = booked.response.headers.get("Retry-After");
  void retryAfter;
  return {
    appointmentId: booked.data.appointment.id,
    start: booked.data.appointment.start,
    manageToken: booked.data.manageToken,
  };
}

/**
 * Never called: each line must fail to compile, so the generated types hold the document's
 * requirements (an unused `@ts-expect-error` fails the typecheck).
 */
export function refusedByTheTypes(client: ApiClient): void {
  // @ts-expect-error Booking requires the Idempotency-Key header.
  void client.POST("/v1/appointments", {
    body: { holdId: "h", holdToken: "t", customer: { name: "n", email: "e" } },
  });
  // @ts-expect-error A hold requires a clientId.
  void client.POST("/v1/holds", { body: { serviceId: "s", staffId: "t", start: "x" } });
  // @ts-expect-error Availability requires serviceId, from and to.
  void client.GET("/v1/availability", { params: { query: { serviceId: "s" } } });
  // @ts-expect-error Extending a hold requires its X-Hold-Token.
  void client.PATCH("/v1/holds/{holdId}", { params: { path: { holdId: "h" } } });
  // @ts-expect-error IDEMPOTENCY_CONFLICT carries no details (SLOT_HELD carries heldUntil).
  void ((e: Extract<BookingConflict, { code: "IDEMPOTENCY_CONFLICT" }>) => e.details);
  // @ts-expect-error There is no such path.
  void client.GET("/v1/nowhere");
}
