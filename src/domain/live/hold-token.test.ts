import { describe, expect, it } from "vitest";
import { base64url, hmacSha256 } from "../crypto.ts";
import { type HoldClaim, newHoldSecret, signHoldToken, verifyHoldToken } from "./hold-token.ts";

const KEY = "hold-token-test-key-0123456789abcdef";

const claim: HoldClaim = {
  staffId: "stf_1",
  serviceId: "svc_1",
  slots: [
    { startMs: 60_000 * 1000, endMs: 60_000 * 1030, cellStart: 200, cellEnd: 206, offsetMin: 60 },
  ],
  capAtMs: 1_800_000,
  holders: { client: "client-tag", ip: "ip-tag" },
};

/** A token over any body, signed as the server signs (to build bodies it no longer writes). */
async function signedBody(fields: unknown[]): Promise<string> {
  const secret = newHoldSecret();
  const body = base64url(new TextEncoder().encode(JSON.stringify(fields)));
  const mac = base64url((await hmacSha256(KEY, `hold:${secret}.${body}`)).slice(0, 16));
  return `${secret}.${body}.${mac}`;
}

describe("hold tokens", () => {
  it("carry their claim whole", async () => {
    const token = await signHoldToken(KEY, newHoldSecret(), claim);
    expect(await verifyHoldToken(KEY, token)).toEqual(claim);
  });

  it("refuse an altered body and a signature of another key", async () => {
    const token = await signHoldToken(KEY, newHoldSecret(), claim);
    const [secret, body, mac] = token.split(".");
    expect(await verifyHoldToken(KEY, `${secret}.${body}x.${mac}`)).toBeNull();
    expect(await verifyHoldToken(`${KEY}-other`, token)).toBeNull();
    expect(await verifyHoldToken(KEY, `${secret}`)).toBeNull();
  });

  it("refuse a well-signed claim without a cap, without holders or with four-part slots", async () => {
    const slot = [1000, 1030, 200, 206, 60];
    const whole = ["stf_1", "svc_1", [slot], 60, 1_800_000, "client-tag", "ip-tag"];
    expect(await verifyHoldToken(KEY, await signedBody(whole))).not.toBeNull();
    const noCap = ["stf_1", "svc_1", [slot], 60, null, "client-tag", "ip-tag"];
    const noHolders = ["stf_1", "svc_1", [slot], 60, 1_800_000, null, null];
    const fourParts = ["stf_1", "svc_1", [slot.slice(0, 4)], 60, 1_800_000, "client-tag", "ip-tag"];
    for (const fields of [noCap, noHolders, fourParts])
      expect(await verifyHoldToken(KEY, await signedBody(fields))).toBeNull();
  });
});
