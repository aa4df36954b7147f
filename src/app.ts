import type { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { errorResponses } from "./errors/envelope.ts";
import { errorResponse, handleError } from "./errors/handle-error.ts";
import { admit } from "./http/admission.ts";
import type { AppEnv, ResolveServices } from "./http/app-env.ts";
import { corsFromConfig, limitBody, withServices } from "./http/middleware.ts";
import { publicRateLimit } from "./http/public-rate-limit.ts";
import { createRouter } from "./http/router.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { appointmentRoutes } from "./routes/appointments/index.ts";
import { authRoutes } from "./routes/auth/index.ts";
import { availabilityRoutes } from "./routes/availability/index.ts";
import { calendarRoutes } from "./routes/calendar/index.ts";
import { catalogRoutes } from "./routes/catalog/index.ts";
import { debugRoutes } from "./routes/debug/index.ts";
import { docsRoutes } from "./routes/docs/index.ts";
import { healthRoutes } from "./routes/health/index.ts";
import { heartbeatRoutes } from "./routes/heartbeat/index.ts";
import { holdRoutes } from "./routes/holds/index.ts";
import { liveRoutes } from "./routes/live/index.ts";
import { myAppointmentsRoute } from "./routes/me/appointments.ts";
import { slotRoutes } from "./routes/slots/index.ts";

export const API_TITLE = "AppointEase Edge API";
export const API_VERSION = "1.0.0";

/**
 * Builds the HTTP app. `resolveServices` turns bindings into wired services: the composition
 * root passes the real adapters; route tests may pass fakes.
 */
export function createApp(resolveServices: ResolveServices): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.use("*", requestId({ headerName: "X-Request-Id", limitLength: 128 }));
  app.use("*", secureHeaders());
  app.use("*", withServices(resolveServices));
  app.use("*", corsFromConfig);
  // After CORS, so that a shed answer carries the CORS headers a browser needs to read it.
  app.use("*", admit);
  app.use("*", limitBody);
  for (const path of [
    "/v1/services",
    "/v1/staff",
    "/v1/staff/*",
    "/v1/availability",
    "/v1/availability/*",
    "/v1/slots/*",
    "/v1/holds",
    "/v1/holds/*",
    "/v1/heartbeat",
    "/v1/live",
    "/v1/appointments",
    "/v1/appointments/*",
    "/v1/auth/*",
    "/v1/me/*",
  ]) {
    app.use(path, publicRateLimit);
  }

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
  app.route("/", myAppointmentsRoute);
  app.route("/", debugRoutes);

  documentOverload(app);
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The deployment's ADMIN_TOKEN secret.",
  });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        "Appointment booking at the edge: live availability, exclusive holds, and bookings that can never overlap.",
    },
  });

  app.notFound((c) => errorResponse(c, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`));
  app.onError(handleError);
  return app;
}

/**
 * Every operation can answer 503 OVERLOADED (admission control, src/http/admission.ts): added to
 * each documented operation here, beside a 503 the route already documents, rather than in ~50
 * route files. Idempotent: route configs are module constants shared by every app built.
 */
function documentOverload(app: OpenAPIHono<AppEnv>): void {
  const overloaded = errorResponses("OVERLOADED")[503];
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const responses = definition.route.responses as Record<string, { description: string }>;
    const existing = responses["503"];
    if (!existing) responses["503"] = overloaded;
    else if (!existing.description.includes("`OVERLOADED`")) {
      responses["503"] = {
        ...existing,
        description: `${existing.description} ${overloaded.description}`,
      };
    }
  }
}
