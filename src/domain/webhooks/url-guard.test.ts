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
    // Inward addresses behind a second spelling: a trailing dot, a wildcard-DNS name, SIIT and
    // local-use NAT64 forms, and special-purpose IPv6 ranges.
    "https://metadata.google.internal./computeMetadata/v1/", // trailing dot: the same name
    "https://localhost./hook",
    "https://169.254.169.254.nip.io/hook", // public wildcard DNS: resolves to its embedded address
    "https://[::ffff:0:a9fe:a9fe]/hook", // SIIT IPv4-translated 169.254.169.254
    "https://[::ffff:0:7f00:1]/hook", // SIIT IPv4-translated 127.0.0.1
    "https://[64:ff9b:1::a9fe:a9fe]/hook", // local-use NAT64 (64:ff9b:1::/48)
    "https://[100::1]/hook", // discard-only
    "https://[2001:10::1]/hook", // ORCHID
  ])("refuses %s in production", (url) => {
    expect(refused(url, true)).toBe(true);
  });

  // Each form of an address the guard must see through, every one refused in production.
  it.each([
    // Names that end with the root's empty label are the same names.
    "https://localhost../hook", // an empty label: not a host name at all
    "https://printer.local./hook",
    "https://api.localhost./hook",
    "https://LOCALHOST%2e/hook", // percent-encoded dot, decoded by the URL parser
    "https://localhost\u3002/hook", // ideographic full stop, mapped to a dot by IDNA
    "https://127.0.0.1./hook",
    "https://169.254.169.254./hook",
    // Public wildcard-DNS services, under any label and with a trailing dot.
    "https://10.0.0.1.nip.io/hook",
    "https://app.10-0-0-1.nip.io/hook",
    "https://magic.a9fea9fe.nip.io./hook",
    "https://nip.io/hook",
    "https://169-254-169-254.sslip.io/hook",
    "https://--1.sslip.io/hook", // ::1
    "https://127.0.0.1.xip.io/hook",
    "https://10.0.0.1.nip.direct/hook",
    "https://10.0.0.1.traefik.me/hook",
    "https://anything.localhost.direct/hook",
    "https://readme.localtest.me/hook",
    "https://app.lvh.me/hook",
    "https://x.vcap.me/hook",
    "https://x.fuf.me/hook",
    "https://7f000001.c0a80001.rbndr.us/hook",
    "https://make-169.254.169.254-rr.1u.ms/hook",
    // IPv4 spellings the URL parser normalises.
    "https://0x7f000001/hook",
    "https://017700000001/hook",
    "https://127.0.1/hook",
    "https://0xa9.0xfe.0xa9.0xfe/hook", // 169.254.169.254 in hex
    "https://3232235521/hook", // 192.168.0.1
    // Every IPv4 special-purpose range.
    "https://0.1.2.3/hook",
    "https://100.127.255.254/hook",
    "https://192.0.0.8/hook",
    "https://192.0.2.1/hook",
    "https://192.88.99.1/hook",
    "https://198.18.0.1/hook",
    "https://198.51.100.7/hook",
    "https://203.0.113.9/hook",
    "https://192.31.196.1/hook", // AS112
    "https://192.52.193.1/hook", // AMT
    "https://240.0.0.1/hook",
    "https://239.255.255.250/hook",
    // IPv6 forms that embed IPv4, private or public alike.
    "https://[::ffff:10.0.0.1]/hook",
    "https://[::ffff:a00:1]/hook",
    "https://[::ffff:8.8.8.8]/hook", // public, but still a translation form
    "https://[::ffff:0:8.8.8.8]/hook",
    "https://[::127.0.0.1]/hook", // deprecated IPv4-compatible form
    "https://[::a9fe:a9fe]/hook",
    "https://[64:ff9b::7f00:1]/hook",
    "https://[64:ff9b::8.8.8.8]/hook",
    "https://[64:ff9b:1:2::1]/hook",
    "https://[2002:a9fe:a9fe::1]/hook", // 6to4 of 169.254.169.254
    "https://[2002:808:808::1]/hook", // 6to4 of a public address
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", // Teredo
    // Every other IPv6 special-purpose range, and space outside 2000::/3.
    "https://[::2]/hook",
    "https://[100::ffff:1]/hook",
    "https://[2001:2::1]/hook", // benchmarking
    "https://[2001:3::1]/hook", // AMT
    "https://[2001:db8::1]/hook",
    "https://[2001:1f::1]/hook", // ORCHID
    "https://[2001:20::1]/hook", // ORCHIDv2
    "https://[3fff::1]/hook", // documentation (2024)
    "https://[5f00::1]/hook", // segment routing
    "https://[fc00::1]/hook",
    "https://[fec0::1]/hook",
    "https://[ff02::1]/hook",
    "https://[4000::1]/hook",
    "https://[e000::1]/hook",
  ])("refuses %s in production, whatever its spelling", (url) => {
    expect(checkWebhookUrl(url, true)).toMatchObject({ ok: false });
  });

  it.each([
    "https://hooks.example.com/appointease",
    "https://hooks.example.com:8443/x?y=1",
    "https://hooks.example.com./appointease", // a fully qualified name is the same name
    "https://HOOKS.Example.COM/x",
    "https://my-nip.io.example.com/hook", // only names under the services, not containing them
    "https://notnip.io/hook",
    "https://localhost.example.com/hook",
    "https://internal.example.com/hook",
    "https://8.8.8.8/hook",
    "https://1.1.1.1/hook",
    "https://100.128.0.1/hook", // just outside carrier-grade NAT
    "https://172.15.255.255/hook", // just below 172.16.0.0/12
    "https://172.32.0.1/hook", // just outside 172.16.0.0/12
    "https://192.169.0.1/hook",
    "https://198.20.0.1/hook", // just outside benchmarking
    "https://223.255.255.254/hook", // just below multicast
    "https://134744072/hook", // 8.8.8.8 as one number
    "https://[2606:4700::1111]/hook",
    "https://[2001:4860:4860::8888]/hook",
    "https://[2a00:1450:4001:80b::200e]/hook",
    "https://[2001:200::1]/hook", // just outside 2001::/23
  ])("allows the public %s in production", (url) => {
    expect(checkWebhookUrl(url, true)).toMatchObject({ ok: true });
  });

  it("outside production allows http to loopback (local receivers), and nothing else private", () => {
    expect(refused("http://127.0.0.1:8788/hook", false)).toBe(false);
    expect(refused("http://localhost:8788/hook", false)).toBe(false);
    expect(refused("http://[::1]:8788/hook", false)).toBe(false);
    expect(refused("http://10.0.0.1/hook", false)).toBe(true);
    expect(refused("https://169.254.169.254/", false)).toBe(true);
    expect(refused("http://localhost./hook", false)).toBe(false);
    expect(refused("http://[::ffff:127.0.0.1]/hook", false)).toBe(true);
    expect(refused("http://127.0.0.1.nip.io/hook", false)).toBe(true);
    expect(refused("http://hooks.example.com/hook", false)).toBe(true);
  });

  it("says why, for the error message", () => {
    expect(checkWebhookUrl("https://10.0.0.1/", true)).toEqual({
      ok: false,
      reason: "must not point to a private address",
    });
    expect(checkWebhookUrl("https://[::ffff:169.254.169.254]/", true)).toEqual({
      ok: false,
      reason:
        "must not point to a link-local or cloud-metadata address (embedded in an IPv4-mapped address)",
    });
    expect(checkWebhookUrl("https://[::ffff:8.8.8.8]/", true)).toEqual({
      ok: false,
      reason: "must not point to an IPv4-mapped address",
    });
    expect(checkWebhookUrl("https://10.0.0.1.nip.io/", true)).toEqual({
      ok: false,
      reason: "must not point to a wildcard-DNS name (nip.io resolves to any address)",
    });
    expect(checkWebhookUrl("http://hooks.example.com/", true)).toEqual({
      ok: false,
      reason: "must be an https URL",
    });
  });
});
