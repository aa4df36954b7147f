import type { OutboxEmail } from "../../domain/booking/types.ts";
import type { Mailer } from "../../domain/ports.ts";

/**
 * An HTTP email API (the common shape of Resend, Postmark and friends): POST JSON
 * `{from, to, subject, text}` with a bearer API key. Bounded by a timeout; a non-2xx answer
 * throws, so the outbox counts a failed attempt and tries again on the next run.
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
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!res.ok) throw new Error(`email API answered ${res.status}`);
  }
}
