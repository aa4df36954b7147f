/**
 * The sections of the reference (/docs), in the order a new integrator needs them: Swagger UI
 * lists tags in the order of the document's `tags`, so the public booking flow comes first and
 * the admin and debug operations last. Every tag an operation or a webhook uses is described here
 * (src/openapi-document.test.ts checks both).
 */
export const TAGS = [
  {
    name: "Catalog",
    description:
      "Start here: the services and staff members a customer can book, with their ids. Public, no credential.",
  },
  {
    name: "Availability",
    description:
      "Free start times of a service (optionally one staff member) over a date range, in the staff member's UTC offset. Public; send `X-Client-Id` to see your own viewing markers. With `rescheduleOf` and a manage token or session, the appointment's own time shows free.",
  },
  {
    name: "Live state",
    description:
      "Holds and viewing markers: mark a slot as being viewed (select), hold it exclusively while the customer fills in the form (POST /v1/holds gives the `holdToken`), extend or release it, and follow changes (heartbeat, Server-Sent Events). Redis only, no SQL.",
  },
  {
    name: "Appointments",
    description:
      "Book a held slot (`Idempotency-Key` required; the 201 carries the `manageToken`), then read, reschedule or cancel it with that token (`X-Manage-Token`) or the customer's session, and download it as a calendar file.",
  },
  {
    name: "Sign-in",
    description:
      "Customer sign-in by emailed one-time code: the session token (`Authorization: Bearer`, 24 h) lists and manages all of the customer's appointments without their manage tokens.",
  },
  {
    name: "Waitlist",
    description:
      "For a date with no free time: join (an emailed code confirms it), and the first person waiting is emailed an offer that holds a freed time for them; book it with the offer's hold, or leave the list.",
  },
  {
    name: "Calendar",
    description:
      "A staff member's subscription feed (iCalendar), read with the feed key an admin created.",
  },
  {
    name: "Webhooks",
    description:
      "What a registered endpoint receives (POST /v1/admin/webhooks registers one): signed by the Standard Webhooks spec, delivered at least once, deduplicated by `webhook-id`.",
  },
  {
    name: "Health",
    description: "Whether the deployment can book: both stores probed. No credential.",
  },
  {
    name: "Admin",
    description:
      "The business side (server-side only, `Authorization: Bearer <ADMIN_TOKEN>`): operations that span every resource.",
  },
  {
    name: "Admin: services",
    description:
      "Create, change and retire the services customers book (duration, buffers, price).",
  },
  {
    name: "Admin: staff",
    description:
      "Staff members: who offers which service, their time zone, and their calendar feed keys.",
  },
  {
    name: "Admin: schedules",
    description: "A staff member's weekly working hours and the dates that differ (overrides).",
  },
  {
    name: "Admin: closures",
    description: "Dates the whole business is closed: no availability, no new bookings.",
  },
  {
    name: "Admin: settings",
    description:
      "The business's policy: hold and viewing TTLs, minimum notice, booking horizon, cancel and reschedule cut-offs, hold limits.",
  },
  {
    name: "Admin: appointments",
    description:
      "Every appointment, and the admin's override to cancel or move one (hours, notice and cut-offs not checked; overlaps still impossible).",
  },
  {
    name: "Admin: webhooks",
    description:
      "Register the endpoints that receive the webhook events, rotate their secrets, and read each delivery attempt.",
  },
  {
    name: "Admin: outbox",
    description: "The customer emails written beside each change, and whether they were sent.",
  },
  {
    name: "Admin: API keys",
    description:
      "Scoped keys for the admin API (`ae_live_…`): create (shown once), list, revoke (at once).",
  },
  {
    name: "Admin: accounts",
    description:
      "The business's people: each signs in with an emailed code and acts with the scopes of its role (`owner`, `manager`, `staff`); create, list, change the role, deactivate (at once).",
  },
  {
    name: "Admin: sign-in",
    description:
      "A business account's email code and its 12-hour session (`ae_bs_…`), a realm apart from the customers' sign-in.",
  },
  {
    name: "Admin: audit",
    description:
      "Every admin write: who, what, on which target, when, from where, under which request id.",
  },
  {
    name: "Admin: stats",
    description:
      "The booking funnel per day (selections, holds, bookings, cancellations, reschedules) and the store calls counted slow.",
  },
  {
    name: "Admin: live",
    description:
      "One Server-Sent Events stream of what customers are viewing, holding and booking, for a range of staff members and dates.",
  },
  {
    name: "Debug",
    description:
      "Operators' probes (admin token): Redis round trips, locks of a date, failover state, metrics.",
  },
] as const;
