/**
 * The API inside the Workers runtime (the workerd tiers): the worker's own bindings, its fetch
 * handler as `request`, and the admin form of it. Only workerd test files import this.
 */
import { env, exports } from "cloudflare:workers";
import { adminVia } from "./admin-call.ts";

export const bindings = env as unknown as Record<string, string>;

export const request = (path: string, init: RequestInit = {}): Promise<Response> =>
  exports.default.fetch(`http://worker.test${path}`, init);

export const admin = adminVia(request, bindings.ADMIN_TOKEN ?? "");
