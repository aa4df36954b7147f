/**
 * Helpers for route tests that drive the real app (`app.request`) against the test stack. Every
 * answer they get is checked against /openapi.json (test/drivers/openapi-check.ts): tests drive the app
 * only through these helpers (a Biome rule keeps test files from importing the app directly).
 */
import { expect } from "vitest";
import { createApp } from "../../src/app.ts";
import { buildServices } from "../../src/compose.ts";
import type { Clock } from "../../src/domain/ports.ts";
import type { ResolveServices } from "../../src/runtime/services.ts";
import { app } from "../../src/worker.ts";
import { TEST_STACK, testBindings, uniqueId } from "../stack/stack-env.ts";
import { type CheckedApp, checkedApp } from "./openapi-check.ts";

/** The worker's app (the real adapters), every answer checked against /openapi.json. */
export const workerApp: CheckedApp = checkedApp(app);

/** `fetch` for tests that call a real server (`wrangler dev`), every answer checked likewise. */
export const checkedFetch: (input: string, init?: RequestInit) => Promise<Response> = (
  input,
  init,
) =>
  checkedApp({
    request: (url: string | URL | Request, options?: RequestInit) => fetch(url, options),
  }).request(input, init);

/** An app wired by `resolveServices` (fakes, a fixed clock), every answer checked likewise. */
export function testApp(resolveServices: ResolveServices): CheckedApp {
  return checkedApp(createApp(resolveServices));
}

export interface Api {
  bindings: Record<string, string>;
  request(path: string, init?: RequestInit): Promise<Response>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

/**
 * An API client with its own Redis key prefix, against the shared test stack. With a clock, the
 * app is wired with it, so tests move time past TTLs instead of sleeping.
 */
export function testApi(overrides: Record<string, string> = {}, clock?: Clock): Api {
  const bindings = testBindings(`${uniqueId("r")}:`, overrides);
  const services = clock ? buildServices(bindings, clock) : undefined;
  const target = services ? testApp(() => services) : workerApp;
  const request = (path: string, init: RequestInit = {}) => target.request(path, init, bindings);
  const send = async (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    }
    return request(path, init);
  };
  return {
    bindings,
    request,
    admin: (method, path, body) =>
      send(method, path, body, { Authorization: `Bearer ${TEST_STACK.adminToken}` }),
  };
}

/** Asserts the error envelope exactly: status, code, and a message naming the field. */
export async function expectError(
  res: Response,
  status: number,
  code: string,
  messageStart?: string,
): Promise<void> {
  const body = (await res.json()) as {
    error: { code: string; message: string; requestId: string };
  };
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.requestId).toBe(res.headers.get("X-Request-Id"));
  if (messageStart !== undefined)
    expect(body.error.message.startsWith(messageStart), body.error.message).toBe(true);
}
