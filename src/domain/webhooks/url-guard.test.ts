import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "./url-guard.ts";

const refused = (url: string, production: boolean) => checkWebhookUrl(url, production).ok === false;

describe("checkWebhookUrl (SSRF guard)", () => {
  it.each([
    "http://127.0.0.1/hook",
    "https://127.0.0.1/hook",
    "https://127.8.9.10/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://[::1]/hook",
    "https://10.0.0.1/hook",
    "https://172.16.5.4/hook",
    "https://172.31.255.255/hook",
    "https://192.168.0.10/hook",
    "https://100.64.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://169.254.1.1/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://255.255.255.255/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[64:ff9b::10.0.0.1]/hook",
    "https://2130706433/hook", // 127.0.0.1 as one number
    "https://0x7f.1/hook", // 127.0.0.1 in hex shorthand
    "https://0177.0.0.1/hook", // 127.0.0.1 in octal
    "https://10.1/hook", // 10.0.0.1 shorthand
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://printer.local/hook",
    "https://intranet/hook",
    "http://hooks.example.com/hook",
    "https://user:pass@hooks.example.com/hook",
    "ftp://hooks.example.com/hook",
    "not a url",
  ])("refuses %s in production", (url) => {
    expect(refused(url, true)).toBe(true);
  });

  it.each([
    "https://hooks.example.com/appointease",
    "https://hooks.example.com:8443/x?y=1",
    "https://8.8.8.8/hook",
    "https://[2606:4700::1111]/hook",
    "https://172.32.0.1/hook", // just outside 172.16.0.0/12
  ])("allows %s in production", (url) => {
    expect(checkWebhookUrl(url, true)).toMatchObject({ ok: true });
  });

  it("outside production allows http to loopback (local receivers), and nothing else private", () => {
    expect(refused("http://127.0.0.1:8788/hook", false)).toBe(false);
    expect(refused("http://localhost:8788/hook", false)).toBe(false);
    expect(refused("http://[::1]:8788/hook", false)).toBe(false);
    expect(refused("http://10.0.0.1/hook", false)).toBe(true);
    expect(refused("https://169.254.169.254/", false)).toBe(true);
    expect(refused("http://hooks.example.com/hook", false)).toBe(true);
  });

  it("says why, for the error message", () => {
    expect(checkWebhookUrl("https://10.0.0.1/", true)).toEqual({
      ok: false,
      reason: "must not point to a private or reserved address",
    });
    expect(checkWebhookUrl("http://hooks.example.com/", true)).toEqual({
      ok: false,
      reason: "must be an https URL",
    });
  });
});
