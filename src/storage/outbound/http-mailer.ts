import type { OutboxEmail } from "../../domain/booking/types.ts";
import type { Mailer } from "../../domain/ports.ts";

/** Base64 of a text's UTF-8 bytes (attachments travel base64-encoded in JSON). */
function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * An HTTP email API (the common shape of Resend and friends): POST JSON `{from, to, subject,
 * text, html, attachments: [{filename, content (base64), content_type}]}` with a bearer API key. Bounded by a timeout; a non-2xx answer
 * throws, so the outbox counts a failed attempt and retries it with backoff.
 */
export class HttpMailer implements Mailer {
  constructor(
    private readonly options: { url: string; apiKey: string; from: string; timeoutMs: number },
  ) {}

  async send(email: OutboxEmail): Promise<void> {
    const res = await fetch(this.options.url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${this.options.apiKey}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        from: this.options.from,
        to: email.to,
        subject: email.subject,
        text: email.body,
        ...(email.html !== null ? { html: email.html } : {}),
        ...(email.attachments.length
          ? {
              attachments: email.attachments.map((a) => ({
                filename: a.filename,
                content: base64Utf8(a.content),
                content_type: a.contentType,
              })),
            }
          : {}),
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!res.ok) throw new Error(`email API answered ${res.status}`);
  }
}
