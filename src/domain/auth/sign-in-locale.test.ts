/**
 * The sign-in code's language: the request's choice (body or Accept-Language, resolved by the
 * route) is used as is, without reading the settings; only when there is none does the business's
 * `defaultLocale` decide.
 */
import { describe, expect, it } from "vitest";
import { fakeContext } from "../../../test/fixtures/fakes.ts";
import type { OutboxEmail } from "../booking/types.ts";
import type { CatalogRepo } from "../ports.ts";
import { DEFAULT_SETTINGS, type Locale } from "../settings/settings.ts";
import { requestCode } from "./sign-in.ts";

async function codeEmail(locale: Locale | null, defaultLocale: Locale) {
  const sent: OutboxEmail[] = [];
  let settingsReads = 0;
  const ctx = fakeContext({
    catalog: {
      getSettings: async () => {
        settingsReads++;
        return { ...DEFAULT_SETTINGS, defaultLocale };
      },
    } as unknown as CatalogRepo,
    limiter: { take: async () => ({ ok: true }) },
    auth: {
      createCode: async ({ message }: { message: OutboxEmail }) => {
        sent.push(message);
        return { issued: true };
      },
    } as never,
    // The first delivery attempt is not this test's subject.
    defer: () => undefined,
  });
  await requestCode({ ctx, input: { email: "Mia@Example.com", clientIp: "10.0.0.1", locale } });
  expect(sent).toHaveLength(1);
  return { email: sent[0] as OutboxEmail, settingsReads };
}

describe("the sign-in code email's language", () => {
  it("the request's language, without reading the settings", async () => {
    const { email, settingsReads } = await codeEmail("es", "de");
    expect(email.subject).toMatch(/^Tu código de acceso: \d{6}$/);
    expect(email.to).toBe("mia@example.com");
    expect(settingsReads).toBe(0);
  });

  it("none asked for: the business's defaultLocale", async () => {
    const { email, settingsReads } = await codeEmail(null, "de");
    expect(email.subject).toMatch(/^Ihr Anmeldecode: \d{6}$/);
    expect(email.html).toContain('<html lang="de"');
    expect(settingsReads).toBe(1);
  });
});
