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
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "INTERNAL"
  | "BAD_ENVIRONMENT"
  | "STORE_UNAVAILABLE"
  | "OVERLOADED";

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
    // The answers a client plans for: someone else holds it, or too many holds.
    if (hold.error.error.code === "SLOT_HELD" || hold.error.error.code === "HOLD_LIMIT") {
      throw new Error(`hold refused: ${hold.error.error.message}`);
    }
    throw new Error(`hold: ${hold.error.error.code}`);
  }

  const booked = await client.POST("/v1/appointments", {
    params: { header: { "idempotency-key": input.idempotencyKey } },
    body: { holdId: hold.data.holdId, holdToken: hold.data.holdToken, customer: input.customer },
  });
  if (booked.error) {
    // The document lists exactly these codes for this operation, status by status.
    const code = booked.error.error.code;
    const exact: Equal<typeof code, BookingErrorCode> = true;
    throw new Error(`booking: ${code} (${exact})`);
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
  // @ts-expect-error There is no such path.
  void client.GET("/v1/nowhere");
}
