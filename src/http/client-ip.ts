import type { Context } from "hono";

/**
 * The client's IP as Cloudflare saw it (`CF-Connecting-IP`), and nothing else: X-Forwarded-For
 * and X-Real-IP are set by the client and trivially spoofed. Without the header (local tests),
 * every request shares one bucket.
 */
export function clientIp(c: Context): string {
  const ip = c.req.header("CF-Connecting-IP")?.trim() ?? "";
  return /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip.toLowerCase() : "unknown";
}

/** The unit every per-IP limit counts (see `ipGroup`), for this request. */
export function clientIpGroup(c: Context): string {
  return ipGroup(clientIp(c));
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/;

/**
 * The group an address is limited as: an IPv4 address is itself; an IPv6 address is its /64
 * (`2001:db8:1:2::/64`), because one subscriber is routinely handed a whole /64 and can pick any
 * of its 2^64 addresses for each request; an IPv4-mapped IPv6 address is its IPv4 address.
 * Anything malformed is "unknown" (one shared bucket, as without the header).
 */
export function ipGroup(ip: string): string {
  const text = ip.trim().toLowerCase();
  if (IPV4.test(text)) return isIpv4(text) ? text : "unknown";
  const hextets = expandIpv6(text);
  if (!hextets) return "unknown";
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [a = 0, b = 0] = hextets.slice(6);
    return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(":")}::/64`;
}

function isIpv4(text: string): boolean {
  return text.split(".").every((part) => Number(part) <= 255);
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail), or null. */
function expandIpv6(text: string): number[] | null {
  if (!text.includes(":")) return null;
  let body = text;
  const tail: number[] = [];
  const dotted = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(body);
  if (dotted?.[1]) {
    if (!isIpv4(dotted[1])) return null;
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split(".").map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    body = `${body.slice(0, dotted.index)}:`;
    if (body.endsWith(":::")) body = body.slice(0, -1);
    else if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) =>
    part === undefined || part === "" ? [] : part.split(":");
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  if (![...head, ...rest].every((h) => HEXTET.test(h))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = Array.from({ length: 8 - known }, () => 0);
  return [
    ...head.map((h) => Number.parseInt(h, 16)),
    ...zeros,
    ...rest.map((h) => Number.parseInt(h, 16)),
    ...tail,
  ];
}
