/**
 * The SSRF guard of webhook URLs, checked when an endpoint is saved and again before every
 * attempt. In production only `https` to a public address; never loopback, private, link-local,
 * carrier-grade NAT, multicast, reserved or cloud-metadata addresses, nor internal names. In
 * development and tests `http://127.0.0.1` (and other loopback hosts) is allowed too, for local
 * receivers. Redirects are never followed by the sender, so an allowed URL cannot bounce a
 * request inward.
 *
 * Address literals are classified by ipaddr.js, a maintained parser with the special-purpose
 * registries' ranges, rather than by a table of our own: the URL parser first normalises odd IPv4
 * spellings (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) to dotted form, so they meet the same
 * checks. Names are judged by what they are, not by what they resolve to (Workers has no
 * resolver API, and `fetch` resolves again anyway): see docs/adr/0703-ssrf-guard.md for what that leaves.
 */
import ipaddr from "ipaddr.js";

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Public wildcard-DNS services: any name under them resolves to the address spelled in the name
 * (`169.254.169.254.nip.io`, `10-0-0-1.sslip.io`, `7f000001.c0a80001.rbndr.us`) or always to
 * loopback (`anything.localtest.me`). They exist to reach private addresses by a public name, so
 * every name under them is refused. Deliberately over-inclusive: refusing a domain nobody hosts
 * webhooks on costs nothing, missing one reopens the hole.
 */
const WILDCARD_DNS_DOMAINS = [
  "nip.io", // <ip>.nip.io and <ip-with-dashes>.nip.io resolve to <ip>
  "sslip.io", // the same, IPv6 with dashes too
  "xip.io", // the original of both (defunct; the name could be taken again)
  "nip.direct", // an nip.io-style service
  "traefik.me", // <ip>.traefik.me resolves to <ip>
  "localhost.direct", // every name resolves to 127.0.0.1
  "localtest.me", // every name resolves to 127.0.0.1
  "lvh.me", // every name resolves to 127.0.0.1
  "vcap.me", // every name resolves to 127.0.0.1
  "fuf.me", // every name resolves to 127.0.0.1 and ::1
  "rbndr.us", // DNS rebinding: alternates between the two addresses in the name
  "1u.ms", // DNS rebinding and fixed answers spelled in the name
] as const;

/** Names that only mean something inside a private network. */
const INTERNAL_NAME = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/;

/**
 * The only IPv6 block IANA allocates as global unicast (2000::/3). ipaddr.js calls everything it
 * has no range for "unicast", including the IETF-reserved rest of the space and the deprecated
 * IPv4-compatible form `::a.b.c.d` (`::7f00:1` is 127.0.0.1), so an IPv6 literal must be inside
 * this block as well.
 */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** What a non-public range is called in a refusal. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local or cloud-metadata address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private address",
  uniqueLocal: "a private (unique local) address",
  deprecatedSiteLocal: "a site-local address",
  ipv4Mapped: "an IPv4-mapped address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
  discard: "a discard-only address",
  reserved: "a reserved or documentation address",
  benchmarking: "a benchmarking address",
};

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
  const ip = addressOf(url.hostname);
  // A fully qualified name ends with the root's empty label: `localhost.` is `localhost`.
  const name = ip ? null : url.hostname.toLowerCase().replace(/\.$/, "");
  const loopback = ip
    ? ip.range() === "loopback"
    : INTERNAL_NAME.exec(name ?? "")?.[2] === "localhost";
  const allowLoopback = !production;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback && allowLoopback)) {
    return {
      ok: false,
      reason: production
        ? "must be an https URL"
        : "must be an https URL (http only to 127.0.0.1 outside production)",
    };
  }
  if (loopback && allowLoopback) return { ok: true, url };
  const problem = ip ? addressProblem(ip) : nameProblem(name ?? "");
  return problem ? { ok: false, reason: `must not point to ${problem}` } : { ok: true, url };
}

/** The address a URL's (already normalised) host spells, or null when it is a name. */
function addressOf(hostname: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const literal = hostname.slice(1, -1);
    return ipaddr.IPv6.isValid(literal) ? ipaddr.IPv6.parse(literal) : null;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? ipaddr.IPv4.parse(hostname) : null;
}

/** Why an address is not a public receiver (null when it is one). */
function addressProblem(ip: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const range = ip.range();
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    // Refused whatever they embed; the embedded address, when it is not public either, is what
    // the refusal names (the metadata address behind `::ffff:169.254.169.254` says more).
    const embedded = embeddedIpv4(v6, range);
    const inner = embedded && embedded.range() !== "unicast" ? addressProblem(embedded) : null;
    if (inner) return `${inner} (embedded in ${RANGE_NAMES[range] ?? "an IPv6 address"})`;
    if (range === "unicast" && !v6.match(GLOBAL_UNICAST_V6)) {
      return "a reserved IPv6 address (outside 2000::/3)";
    }
  }
  if (range === "unicast") return null;
  return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
}

/**
 * The IPv4 address an IPv6 translation form carries: IPv4-mapped (`::ffff:a.b.c.d`), SIIT
 * (`::ffff:0:a.b.c.d`) and the well-known NAT64 prefix (`64:ff9b::a.b.c.d`) in the last 32 bits,
 * 6to4 (`2002:aabb:ccdd::`) in bits 16–47, Teredo as the client's address with every bit
 * inverted in the last 32 bits. Null for other ranges (the local-use NAT64 prefix
 * `64:ff9b:1::/48` places it by the operator's prefix length, so it cannot be read back).
 */
function embeddedIpv4(ip: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const wellKnownNat64 = range === "rfc6052" && p[2] === 0;
  if (range === "ipv4Mapped" || range === "rfc6145" || wellKnownNat64) {
    return v4(p[6] ?? 0, p[7] ?? 0);
  }
  if (range === "6to4") return v4(p[1] ?? 0, p[2] ?? 0);
  if (range === "teredo") return v4(~(p[6] ?? 0) & 0xffff, ~(p[7] ?? 0) & 0xffff);
  return null;
}

/** Why a host name is not a public receiver (null when nothing in the name says so). */
function nameProblem(name: string): string | null {
  if (name.split(".").some((label) => label === "")) return "a malformed host name";
  const internal = INTERNAL_NAME.exec(name)?.[2];
  if (internal === "localhost") return "a loopback address";
  if (internal) return "an internal host name";
  if (!name.includes(".")) return "a host name without a domain";
  const wildcard = WILDCARD_DNS_DOMAINS.find((d) => name === d || name.endsWith(`.${d}`));
  if (wildcard) return `a wildcard-DNS name (${wildcard} resolves to any address)`;
  return null;
}
