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
