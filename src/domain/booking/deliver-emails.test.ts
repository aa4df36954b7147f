import { describe, expect, it } from "vitest";
import { fakeContext } from "../../../test/fakes.ts";
import type { Mailer, Outbox } from "../ports.ts";
import { deliverEmails } from "./deliver-emails.ts";
import type { OutboxEmail } from "./types.ts";

const email = (id: string): OutboxEmail => ({
  id,
  to: `${id}@example.test`,
  subject: "s",
  body: "b",
  kind: "confirmation",
});

function memoryOutbox(emails: OutboxEmail[]) {
  const sent: string[] = [];
  const failed: string[] = [];
  const outbox: Outbox = {
    pending: async (limit) => emails.slice(0, limit),
    markSent: async (id) => void sent.push(id),
    markFailed: async (id) => void failed.push(id),
  };
  return { outbox, sent, failed };
}

describe("deliverEmails", () => {
  it("sends pending emails, marks each sent, and counts a refused one as a failed attempt", async () => {
    const { outbox, sent, failed } = memoryOutbox([email("a"), email("b"), email("c")]);
    const mailer: Mailer = {
      send: async (e) => {
        if (e.id === "b") throw new Error("503");
      },
    };
    const result = await deliverEmails({
      ctx: fakeContext({ outbox, mailer }),
      input: { limit: 10 },
    });
    expect(result).toEqual({ sent: 2, failed: 1 });
    expect(sent).toEqual(["a", "c"]);
    expect(failed).toEqual(["b"]);
  });

  it("sends nothing without a mailer (development: the outbox is the mailbox)", async () => {
    const { outbox, sent } = memoryOutbox([email("a")]);
    expect(
      await deliverEmails({ ctx: fakeContext({ outbox, mailer: null }), input: { limit: 10 } }),
    ).toEqual({ sent: 0, failed: 0 });
    expect(sent).toEqual([]);
  });
});
