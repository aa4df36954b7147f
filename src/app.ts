import type { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { ErrorEnvelope } from "./errors/envelope.ts";
import { errorResponse, handleError } from "./errors/handle-error.ts";
import { auditAdminWrites } from "./http/admin-audit.ts";
import {
  ADMIN_PATH,
  DEBUG_PATH,
  isAdminPath,
  requireAdmin,
  screenAdminCredential,
} from "./http/admin-auth.ts";
import { adminIdempotency } from "./http/admin-idempotency.ts";
import { admit } from "./http/admit.ts";
import type { AppEnv } from "./http/app-env.ts";
import { corsFor, limitBody, withServices } from "./http/middleware.ts";
import { perAddressLimit, RATE_LIMITED_PATHS } from "./http/per-address-limit.ts";
import { forwardToPlaced } from "./http/placement.ts";
import { createRouter } from "./http/router.ts";
import { screen } from "./http/screen.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { AdminLiveBodySchema } from "./routes/admin/live/schema.ts";
import { registerWebhookEvents } from "./routes/admin/webhooks/events.ts";
import { appointmentRoutes } from "./routes/appointments/index.ts";
import { authRoutes } from "./routes/auth/index.ts";
import { waitlistRoutes } from "./routes/waitlist/index.ts";
import { availabilityRoutes } from "./routes/availability/index.ts";
import { forgetSummariesOnWrite } from "./routes/availability/summary.ts";
import { calendarRoutes } from "./routes/calendar/index.ts";
import { catalogRoutes } from "./routes/catalog/index.ts";
import { debugRoutes } from "./routes/debug/index.ts";
import { docsRoutes } from "./routes/docs/index.ts";
import { TAGS } from "./routes/docs/tags.ts";
import { healthRoutes } from "./routes/health/index.ts";
import { heartbeatRoutes } from "./routes/heartbeat/index.ts";
import { holdRoutes } from "./routes/holds/index.ts";
import { liveRoutes } from "./routes/live/index.ts";
import { myAppointmentsRoute } from "./routes/me/appointments.ts";
import { registerSecuritySchemes } from "./routes/shared/security.ts";
import { slotRoutes } from "./routes/slots/index.ts";
import type { ResolveServices } from "./runtime/services.ts";

export const API_TITLE = "AppointEase Edge API";
export const API_VERSION = "1.0.0";

/** The document's own fields; the operations come from the routes (`app.getOpenAPI31Document`). */
export const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: API_TITLE,
    version: API_VERSION,
    description:
      "Appointment booking at the edge: live availability, exclusive holds, and bookings that can never overlap. " +
      "Every answer carries `X-Request-Id`; every error is the `Error` envelope, its `error.code` one of those listed for its status.",
  },
  // Relative: each deployment serves its own document, so its operations are on the same origin.
  servers: [{ url: "/", description: "The deployment serving this document." }],
  tags: [...TAGS],
};

/**
 * Builds the HTTP app. `resolveServices` turns bindings into wired services: the composition
 * root passes the real adapters; route tests may pass fakes.
 */
export function createApp(resolveServices: ResolveServices): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.use("*", requestId({ headerName: "X-Request-Id", limitLength: 128 }));
  app.use("*", secureHeaders());
  app.use("*", withServices(resolveServices));
  app.use("*", corsFor(app));
  // The cheap refusals come before the admission, so that a flood of them never takes a place
  // nor jumps the queue: the per-address limit, a malformed admin credential, the body's size and type. The
  // screen also decides which requests to critical paths passed their checks and may take the
  // critical reserve. All after CORS, so that every refusal carries the CORS headers a browser
  // needs to read it.
  for (const path of RATE_LIMITED_PATHS) app.use(path, perAddressLimit);
  app.use(ADMIN_PATH, screenAdminCredential);
  app.use(DEBUG_PATH, screenAdminCredential);
  app.use("*", limitBody);
  app.use("*", screen(app));
  app.use("*", admit);
  // After the cheap refusals above, so junk never crosses to the stores' region.
  app.use("*", forwardToPlaced);
  // After the forwarding: the worker that serves an admin request reads its API key's row (next
  // to MySQL), checks its scope, claims its Idempotency-Key and writes its audit entry (after the
  // Idempotency-Key: a replayed answer changed nothing and is not recorded again).
  app.use(ADMIN_PATH, requireAdmin);
  app.use(DEBUG_PATH, requireAdmin);
  app.use(ADMIN_PATH, adminIdempotency);
  app.use(ADMIN_PATH, auditAdminWrites(app));

  for (const path of ["/v1/holds", "/v1/holds/*", "/v1/appointments", "/v1/appointments/*"]) {
    app.use(path, forgetSummariesOnWrite);
  }
  // Not for the business sign-in under /v1/admin/auth/: it changes no availability, and anyone may
  // call it.
  app.use("/v1/admin/*", (c, next) =>
    isAdminPath(c.req.path) ? forgetSummariesOnWrite(c, next) : next(),
  );
  app.use("/v1/me/*", forgetSummariesOnWrite);

  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/", catalogRoutes);
  app.route("/", adminRoutes);
  app.route("/", availabilityRoutes);
  app.route("/", slotRoutes);
  app.route("/", holdRoutes);
  app.route("/", heartbeatRoutes);
  app.route("/", liveRoutes);
  app.route("/", appointmentRoutes);
  app.route("/", calendarRoutes);
  app.route("/", authRoutes);
  app.route("/", waitlistRoutes);
  app.route("/", myAppointmentsRoute);
  app.route("/", debugRoutes);

  registerSecuritySchemes(app);
  registerWebhookEvents(app);
  // The data of GET /v1/admin/live's events: in the stream's text, so declared as a component.
  app.openAPIRegistry.register("AdminLiveEvent", AdminLiveBodySchema);
  // Every code's error object, also those no operation answers today (the 404 of an unknown path
  // is checked against it).
  app.openAPIRegistry.register("Error", ErrorEnvelope);

  // Built on the first request and kept for the isolate's life: the routes never change after
  // start-up, and building it costs tens of milliseconds of CPU (docs/adr/0010-current-toolchain-and-lean-bundle.md).
  let openapiJson: string | undefined;
  app.get("/openapi.json", (c) => {
    openapiJson ??= JSON.stringify(app.getOpenAPI31Document(OPENAPI_CONFIG));
    return c.body(openapiJson, 200, { "Content-Type": "application/json" });
  });

  app.notFound((c) => errorResponse(c, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`));
  app.onError(handleError);
  return app;
}
