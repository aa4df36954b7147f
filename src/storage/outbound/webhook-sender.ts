import { Webhook } from "standardwebhooks";
import type { WebhookSender } from "../../domain/ports.ts";

/**
 * Sends one webhook as the Standard Webhooks spec says, signed by the `standardwebhooks` library:
 * headers `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64>`.
 * Redirects are not followed (a 3xx is a failed attempt): the SSRF guard checked this URL, not
 * wherever a redirect would lead. The timeout aborts the attempt.
 */
export class HttpWebhookSender implements WebhookSender {
  async send(input: Parameters<WebhookSender["send"]>[0]): Promise<{ statusCode: number }> {
    const timestamp = new Date(input.timestampMs);
    const signature = new Webhook(input.secret).sign(input.messageId, timestamp, input.body);
    const res = await fetch(input.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "AppointEase-Webhooks/1",
        "webhook-id": input.messageId,
        "webhook-timestamp": String(Math.floor(input.timestampMs / 1000)),
        "webhook-signature": signature,
      },
      body: input.body,
      redirect: "manual",
      signal: AbortSignal.timeout(input.timeoutMs),
    });
    // The body is not needed; cancel it so the connection is released.
    await res.body?.cancel().catch(() => undefined);
    return { statusCode: res.status };
  }
}
