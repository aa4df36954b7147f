/**
 * The SSRF guard of webhook URLs, checked when an endpoint is saved and again before every
 * attempt. In production only `https` to a public address; never loopback, private, link-local,
 * carrier-grade NAT, multicast, reserved or cloud-metadata addresses, nor internal names. In
 * development and tests `http://127.0.0.1` (and other loopback hosts) is allowed too, for local
 * receivers. The URL parser normalises odd IPv4 spellings (`2130706433`, `0x7f.1`, `127.1`) to
 * dotted form first, so they meet the same checks. Redirects are never followed by the sender,
 * so an allowed URL cannot bounce a request inward.
 */

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

type Range = [base: number, bits: number];

/** IPv4 ranges that are never a public receiver (RFC 6890 special-purpose, plus metadata). */
const BLOCKED_V4: Range[] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, incl. 169.254.169.254 (cloud metadata)
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // documentation
  [0xc0586300, 24], // 6to4 relay anycast
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // documentation
  [0xcb007100, 24], // documentation
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved, broadcast
];

const INTERNAL_NAME = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/i;

function parseV4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inRange(ip: number, [base, bits]: Range): boolean {
  const size = 2 ** (32 - bits);
  return ip >= base && ip < base + size;
}

function isLoopbackV4(ip: number): boolean {
  return inRange(ip, [0x7f000000, 8]);
}

/** Expands an IPv6 literal (no brackets) to 8 groups; null when it is not one. */
function parseV6(host: string): number[] | null {
  let text = host.toLowerCase();
  const tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] && v4[2]) {
    const ip = parseV4(v4[2]);
    if (ip === null) return null;
    tail.push(Math.floor(ip / 65536), ip % 65536);
    text = v4[1].endsWith("::") ? v4[1] : v4[1].slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const group = (s: string) => (s === "" ? [] : s.split(":"));
  const head = group(halves[0] ?? "");
  const rest = halves.length === 2 ? group(halves[1] ?? "") : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const fill = 8 - head.length - rest.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  return [
    ...head.map((g) => Number.parseInt(g, 16)),
    ...Array<number>(halves.length === 2 ? fill : 0).fill(0),
    ...rest.map((g) => Number.parseInt(g, 16)),
    ...tail,
  ];
}

/** Why an IPv6 address is not public (null when it is), with the IPv4 it embeds checked too. */
function v6Problem(g: number[], allowLoopback: boolean): string | null {
  const [a = 0, b = 0, , , , f = 0, v4hi = 0, v4lo = 0] = g;
  const allZero = (upTo: number) => g.slice(0, upTo).every((x) => x === 0);
  if (allZero(7) && v4lo === 1) return allowLoopback ? null : "a loopback address";
  if (allZero(8)) return "the unspecified address";
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
  const embeds =
    (allZero(5) && (f === 0xffff || f === 0)) ||
    (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0));
  if (embeds) return v4Problem(v4hi * 65536 + v4lo, allowLoopback);
  if (a >= 0xfc00 && a <= 0xfdff) return "a private (unique local) address";
  if (a >= 0xfe80 && a <= 0xfebf) return "a link-local address";
  if (a >= 0xfec0 && a <= 0xfeff) return "a site-local address";
  if (a >= 0xff00) return "a multicast address";
  if (a === 0x2001 && b === 0x0db8) return "a documentation address";
  if (a === 0x2002) return "a 6to4 address";
  if (a === 0x2001 && b === 0) return "a Teredo address";
  return null;
}

function v4Problem(ip: number, allowLoopback: boolean): string | null {
  if (isLoopbackV4(ip)) return allowLoopback ? null : "a loopback address";
  if (inRange(ip, [0xa9fe0000, 16])) return "a link-local or cloud-metadata address";
  return BLOCKED_V4.some((range) => inRange(ip, range)) ? "a private or reserved address" : null;
}

/**
 * Checks a webhook URL. `production` false allows http to loopback hosts (local receivers);
 * everything else is refused in every environment.
 */
export function checkWebhookUrl(raw: string, production: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "must be an absolute URL" };
  }
  if (url.username !== "" || url.password !== "")
    return { ok: false, reason: "must not carry credentials" };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const v4 = parseV4(host);
  const v6 = v4 === null ? parseV6(host) : null;
  const loopbackName = /^localhost$/i.test(host) || /\.localhost$/i.test(host);
  const loopback =
    loopbackName ||
    (v4 !== null && isLoopbackV4(v4)) ||
    (v6 !== null && v6Problem(v6, false) === "a loopback address");
  const allowLoopback = !production;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback && allowLoopback)) {
    return {
      ok: false,
      reason: production
        ? "must be an https URL"
        : "must be an https URL (http only to 127.0.0.1 outside production)",
    };
  }
  const problem =
    v4 !== null
      ? v4Problem(v4, allowLoopback)
      : v6 !== null
        ? v6Problem(v6, allowLoopback)
        : loopbackName
          ? allowLoopback
            ? null
            : "a loopback address"
          : INTERNAL_NAME.test(host) || host === "metadata.google.internal"
            ? "an internal host name"
            : !host.includes(".")
              ? "a host name without a domain"
              : null;
  return problem ? { ok: false, reason: `must not point to ${problem}` } : { ok: true, url };
}
