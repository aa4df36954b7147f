/**
 * The business realm of the sign-in verbs, with fakes: codes are kept and hashed under
 * `business:<email>`, only an active account is emailed, and a session goes to the account's
 * table with the `ae_bs_` prefix, never for an unknown or deactivated address.
 */
import { describe, expect, it } from "vitest";
import { fakeContext } from "../../../test/fixtures/fakes.ts";
import type { OutboxEmail } from "../booking/types.ts";
import type { AccountRecord, AuthRepo, CatalogRepo } from "../ports.ts";
import { DEFAULT_SETTINGS } from "../settings/settings.ts";
import { requestCode, verifyCode } from "./sign-in.ts";

const ACTIVE: AccountRecord = {
  id: "acc_active",
  email: "lea@salon.example",
  name: "Lea",
  role: "manager",
  staffId: null,
  createdBy: "admin-token",
  createdAtMs: 0,
  updatedAtMs: 0,
  deactivatedAtMs: null,
};
const GONE: AccountRecord = {
  ...ACTIVE,
  id: "acc_gone",
  email: "old@salon.example",
  deactivatedAtMs: 1,
};

function context() {
  const codes: { email: string; codeHash: string; message: OutboxEmail | null }[] = [];
  const verifications: Parameters<AuthRepo["verifyCode"]>[0][] = [];
  const ctx = fakeContext({
    catalog: {
      getSettings: async () => DEFAULT_SETTINGS,
    } as unknown as CatalogRepo,
    limiter: { take: async () => ({ ok: true }) },
    accounts: {
      findByEmail: async (email: string) =>
        [ACTIVE, GONE].find((account) => account.email === email) ?? null,
    } as never,
    auth: {
      createCode: async (input: {
        email: string;
        codeHash: string;
        message: OutboxEmail | null;
      }) => {
        codes.push(input);
        return { issued: true };
      },
      verifyCode: async (input: Parameters<AuthRepo["verifyCode"]>[0]) => {
        verifications.push(input);
        return "ok";
      },
    } as never,
    defer: () => undefined,
  });
  return { ctx, codes, verifications };
}

describe("business sign-in (fakes)", () => {
  it("keeps the code under business:<email>, and emails only an active account", async () => {
    const { ctx, codes } = context();
    for (const email of ["Lea@Salon.example", "old@salon.example", "nobody@salon.example"]) {
      await requestCode({
        ctx,
        input: { email, clientIp: "10.0.0.1", locale: null, realm: "business" },
      });
    }
    expect(codes.map((c) => [c.email, c.message?.to ?? null])).toEqual([
      ["business:lea@salon.example", "lea@salon.example"],
      ["business:old@salon.example", null],
      ["business:nobody@salon.example", null],
    ]);
    // The customer realm keeps the bare email, and its code hashes differently.
    await requestCode({
      ctx,
      input: { email: "lea@salon.example", clientIp: "10.0.0.1", locale: null },
    });
    expect(codes[3]?.email).toBe("lea@salon.example");
    expect(codes[3]?.codeHash).not.toBe(codes[0]?.codeHash);
  });

  it("a right code gives an ae_bs_ session for the account, and none for any other address", async () => {
    const { ctx, verifications } = context();
    const session = await verifyCode({
      ctx,
      input: {
        email: "lea@salon.example",
        code: "123456",
        clientIp: "10.0.0.1",
        realm: "business",
      },
    });
    expect(session.sessionToken).toMatch(/^ae_bs_[A-Za-z0-9_-]{43}$/);
    expect(session.account?.id).toBe("acc_active");
    expect(verifications[0]?.email).toBe("business:lea@salon.example");
    expect(verifications[0]?.session?.accountId).toBe("acc_active");
    expect(session.expiresAtMs - ctx.clock.nowMs()).toBe(12 * 3_600_000);

    for (const email of ["old@salon.example", "nobody@salon.example"]) {
      await expect(
        verifyCode({
          ctx,
          input: { email, code: "123456", clientIp: "10.0.0.1", realm: "business" },
        }),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    expect(verifications.slice(1).map((v) => v.session)).toEqual([null, null]);
  });
});
