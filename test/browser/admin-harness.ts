/**
 * What the business app's browser tests share: one worker and one browser per file, calls to the
 * worker with a business credential, accounts signed in through it, and signing in on the page.
 * Sessions live in the worker's store, not the in-process app's, so every call goes to the worker.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { testApi } from "../drivers/api.ts";
import { latestSignInCode, newAccountEmail, randomIp } from "../fixtures/account-fixtures.ts";
import { adminHeaders, launchBrowser, startWorker, type Worker } from "./harness.ts";

export interface BusinessAppHarness {
  readonly worker: Worker;
  readonly browser: Browser;
  /** A request to the worker with a bearer credential (a session or an API key). */
  workerCall(method: string, path: string, token: string, body?: unknown): Promise<Response>;
  /** Signs `email` in through the worker's API; the business session token. */
  signInThroughWorker(email: string): Promise<string>;
  /** An account made with the ADMIN_TOKEN, signed in through the worker. */
  accountSession(
    role: "owner" | "manager" | "staff",
    name: string,
    staffId?: string,
  ): Promise<{ email: string; token: string }>;
  /** A browser context with its own client address (the per-address sign-in limits stay away). */
  appContext(options: NonNullable<Parameters<Browser["newContext"]>[0]>): Promise<BrowserContext>;
  /** Signs in on the page, in any language: email, then the code from the outbox. */
  signInOnPage(page: Page, email: string): Promise<void>;
  /** The worker reads the catalog through its own cache: waits until `path` lists the ids. */
  workerLists(token: string, path: string, ids: string[]): Promise<void>;
}

/** Call at the top level of a test file: starts the worker and the browser for its tests. */
export function businessAppHarness(): BusinessAppHarness {
  let worker: Worker | undefined;
  let browser: Browser | undefined;
  const api = testApi();
  beforeAll(async () => {
    [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });
  const started = () => {
    if (!worker || !browser) throw new Error("the business app harness has not started yet");
    return { worker, browser };
  };
  const workerCall = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${started().worker.url}${path}`, {
      method,
      headers: { ...adminHeaders, Authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const signInThroughWorker = async (email: string) => {
    // Its own address: the per-address code limit (10 in 10 minutes) is not these tests' subject.
    const ip = { "CF-Connecting-IP": randomIp() };
    const post = (path: string, body: unknown) =>
      fetch(`${started().worker.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...ip },
        body: JSON.stringify(body),
      });
    expect((await post("/v1/admin/auth/otp", { email })).status).toBe(202);
    const verify = await post("/v1/admin/auth/verify", {
      email,
      code: await latestSignInCode(email),
    });
    expect(verify.status, await verify.clone().text()).toBe(200);
    return ((await verify.json()) as { sessionToken: string }).sessionToken;
  };
  return {
    get worker() {
      return started().worker;
    },
    get browser() {
      return started().browser;
    },
    workerCall,
    signInThroughWorker,
    accountSession: async (role, name, staffId) => {
      const email = newAccountEmail();
      const body = { email, name, role, ...(staffId ? { staffId } : {}) };
      const res = await api.admin("POST", "/v1/admin/accounts", body);
      expect(res.status, await res.clone().text()).toBe(201);
      return { email, token: await signInThroughWorker(email) };
    },
    appContext: (options) =>
      started().browser.newContext({
        ...options,
        extraHTTPHeaders: { "CF-Connecting-IP": randomIp() },
      }),
    signInOnPage: async (page, email) => {
      await page.goto(`${started().worker.url}/admin`);
      await page.locator("#email").fill(email);
      await page.locator("#email-form button[type=submit]").click();
      await page.locator("#code").waitFor({ state: "visible" });
      await expect.poll(() => latestSignInCode(email), { timeout: 10_000 }).toMatch(/^\d{6}$/);
      await page.locator("#code").fill(await latestSignInCode(email));
      await page.locator("#code-form button[type=submit]").click();
      await page.locator("#app").waitFor({ state: "visible", timeout: 15_000 });
    },
    workerLists: async (token, path, ids) => {
      await expect
        .poll(
          async () => {
            const text = await (await workerCall("GET", path, token)).text();
            return ids.every((id) => text.includes(id));
          },
          { timeout: 20_000, interval: 250 },
        )
        .toBe(true);
    },
  };
}
