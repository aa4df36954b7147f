/**
 * The admin API's own lists, compiled in from the modules that define them for the API: the
 * scopes an API key can carry (the scope map, src/http/admin-scopes.ts) and the webhook event
 * types (src/domain/webhooks/types.ts). The page and the worker are built from one commit, so the
 * checkboxes can never offer what the API refuses or miss what it accepts, and the page keeps no
 * copy of its own. Both modules are plain constants with no imports: nothing else comes along.
 */
export { OWNER_ONLY_SCOPES, SCOPES } from "../../../src/http/admin-scopes.ts";
export { SYSTEM_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from "../../../src/domain/webhooks/types.ts";
