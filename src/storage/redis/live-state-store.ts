/**
 * The live-state port on Redis: each operation is one Lua script, so one round trip and one
 * atomic step. Replies are decoded with zod; anything else is a RedisFailure, which callers
 * treat like an outage. One adapter for one port, each method a thin call.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import { formatHoldId } from "../../domain/live/hold-id.ts";
import { offerScope } from "../../domain/live/offers.ts";
import {
  candidateDates,
  encodeMeta,
  encodeOfferDay,
  encodeOfferOffsets,
  IDEMPOTENCY_LEASE_MS,
  OFFER_TTL_MS,
  UNDONE_ATTEMPT_MS,
} from "../../domain/live/stored-offer.ts";
import {
  type BeginBookingOutcome,
  CELL_MS,
  type HolderTags,
  type HoldOutcome,
  type HoldUndo,
  type LiveCells,
  type LiveEntry,
  type LiveEntryDump,
  type LiveKind,
  type LiveTicket,
  type OfferDay,
  type OfferMeta,
  type SelectOutcome,
  type WatchedEntry,
  type WatchOutcome,
} from "../../domain/live/types.ts";
import type { LiveStateStore } from "../../domain/ports.ts";
import { formatWithOffset } from "../../domain/time/fixed-offset.ts";
import {
  abortBooking,
  availabilityOverlay,
  beginBooking,
  extendHold,
  heartbeat,
  holdSlots,
  liveWatch,
  releaseHold,
  selectSlot,
  undoHold,
} from "../../lua/scripts.gen.ts";
import type { RedisKeys } from "./keys.ts";
import { RedisFailure, runScript, runScripts } from "./run-script.ts";

const Strings = z.array(z.string());
const MINUTE_MS = 60_000;
/** lib/live.lua's rawWindow: blockers (field, start-cell pairs), their values, markers, theirs. */
const WINDOW_PARTS = [
  z.array(z.string()),
  z.array(z.string().nullable()),
  z.array(z.string()),
  z.array(z.string().nullable()),
] as const;
const RawWindow = z.tuple(WINDOW_PARTS);

/** live_watch: the per-address limit's answer, or "ok" and a rawWindow. */
const WatchReply = z.union([
  z.tuple([z.literal("limit"), z.string()]),
  z.tuple([z.literal("ok"), ...WINDOW_PARTS]),
]);

/** A live entry as the compact layout stores it (lua/lib/live.lua), with its start cell. */
interface IndexedEntry {
  field: string;
  code: string;
  cellStart: number;
  cellEnd: number;
  startMin: number;
  endMin: number;
  offsetMin: number;
  expiresAtMs: number;
  tag: string;
}

/** Decodes a compact value: cellSpan|startOff|durationMin|offsetMin|expiresAtMs|clientTag|… */
function decodeIndexed(field: string, value: string, cellStart: number): IndexedEntry {
  const v = value.split("|");
  const startMin = cellStart * 5 + int(v[1]);
  return {
    field,
    code: field.slice(0, 1),
    cellStart,
    cellEnd: cellStart + int(v[0]),
    startMin,
    endMin: startMin + int(v[2]),
    offsetMin: int(v[3]),
    expiresAtMs: int(v[4]),
    tag: v[5] ?? "",
  };
}

/**
 * The live entries of a rawWindow reply that reach past `fromCell` (the index was read from
 * fromCell − the longest span) and have not expired; leftovers without a value are skipped.
 */
function liveInWindow(
  reply: z.infer<typeof RawWindow>,
  nowMs: number,
  fromCell: number,
): IndexedEntry[] {
  const out: IndexedEntry[] = [];
  for (const [index, values] of [
    [reply[0], reply[1]],
    [reply[2], reply[3]],
  ] as const) {
    for (let i = 0; 2 * i + 1 < index.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const e = decodeIndexed(index[2 * i] as string, value, int(index[2 * i + 1]));
      if (e.expiresAtMs > nowMs && e.cellEnd > fromCell) out.push(e);
    }
  }
  return out;
}
/**
 * The live entries of a rawWindow reply that overlap [fromMs, toMs), as the watch and the
 * heartbeat return them (`mine`: the caller's own).
 */
function entriesIn(
  reply: z.infer<typeof RawWindow>,
  input: { nowMs: number; fromMs: number; toMs: number; clientTag: string },
): WatchedEntry[] {
  const entries: WatchedEntry[] = [];
  for (const e of liveInWindow(reply, input.nowMs, Math.floor(input.fromMs / CELL_MS))) {
    const startMs = e.startMin * MINUTE_MS;
    const endMs = e.endMin * MINUTE_MS;
    if (startMs >= input.toMs || endMs <= input.fromMs) continue;
    entries.push({
      id: e.field,
      kind: kindOf(e.code),
      // No client id (a stream without one) has the empty tag, which marks nothing as its own.
      mine: e.tag !== "" && e.tag === input.clientTag,
      startMs,
      endMs,
      offsetMin: e.offsetMin,
      expiresAtMs: e.expiresAtMs,
    });
  }
  return entries;
}

/** One plain command; any failure is a RedisFailure, which the caller treats like an outage. */
async function command<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new RedisFailure(`${name}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

const ScanReply = z.tuple([z.union([z.string(), z.number()]), z.array(z.string())]);
const KINDS: Record<string, LiveKind> = { h: "held", v: "viewing", b: "booked" };

export function kindOf(code: string | undefined): LiveKind {
  const kind = code === undefined ? undefined : KINDS[code];
  if (!kind) throw new RedisFailure(`unknown live entry kind ${String(code)}`);
  return kind;
}

/** The UTC date (YYYY-MM-DD) of an instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function int(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new RedisFailure(`not an integer in a script reply: ${String(text)}`);
  return n;
}

export class RedisLiveStateStore implements LiveStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * One availability_overlay call per staff member (each touches one staff member's slot), all in
   * ONE pipeline: one round trip. Each reads only the entries over the offered dates.
   */
  async overlay(input: Parameters<LiveStateStore["overlay"]>[0]): Promise<LiveCells[][]> {
    const meta = encodeMeta(input.meta);
    const calls = input.staff.map((staff) => {
      const [fromCell, toCell] = overlayWindow(input.meta, staff.days);
      const args: (string | number)[] = [
        input.nowMs,
        OFFER_TTL_MS,
        meta,
        input.clientTag ?? "",
        fromCell,
        toCell,
        staff.days.length,
      ];
      for (const day of staff.days)
        args.push(day.date, encodeOfferDay(day), encodeOfferOffsets(day));
      const keys = [
        ...this.keys.liveKeys(staff.staffId),
        this.keys.offer(offerScope(input.serviceId, input.reschedule), staff.staffId),
        this.stats(staff.staffId, input.nowMs),
      ];
      return { keys, args };
    });
    const replies = await runScripts(this.redis, availabilityOverlay, calls, RawWindow);
    // The appointment a reschedule moves is not in its own way.
    const moved = input.reschedule ? `b:${input.reschedule.appointmentId}:0` : null;
    return replies.map((reply, i) =>
      liveInWindow(reply, input.nowMs, calls[i]?.args[4] as number)
        .filter((e) => e.field !== moved)
        .map((e) => ({
          kind: kindOf(e.code),
          mine: input.clientTag !== null && e.tag === input.clientTag,
          cellStart: e.cellStart,
          cellEnd: e.cellEnd,
        })),
    );
  }

  async select(input: Parameters<LiveStateStore["select"]>[0]): Promise<SelectOutcome> {
    const { slot } = input;
    const keys = [
      ...this.keys.liveKeys(input.staffId),
      this.keys.offer(input.serviceId, input.staffId),
      this.stats(input.staffId, input.nowMs),
    ];
    const reply = await runScript(
      this.redis,
      selectSlot,
      keys,
      [input.nowMs, input.clientTag, slot.startMs, ...candidateDates(slot)],
      Strings,
    );
    const [kind, a, b, c, d] = reply;
    if (kind === "ok")
      return { kind, expiresAtMs: int(a), endMs: int(b), offsetMin: int(c), endOffsetMin: int(d) };
    if (kind === "held") return { kind, untilMs: int(a) };
    if (kind === "booked") return { kind, untilMs: int(a) };
    if (kind === "unavailable" && (a === "not-offered" || a === "notice"))
      return { kind, reason: a };
    throw new RedisFailure(`select_slot: unexpected reply ${JSON.stringify(reply)}`);
  }

  async hold(input: Parameters<LiveStateStore["hold"]>[0]): Promise<HoldOutcome> {
    const keys = [
      ...this.keys.liveKeys(input.staffId),
      this.keys.offer(offerScope(input.serviceId, input.reschedule), input.staffId),
      ...this.holderKeys(input.holders),
      this.keys.releasedHold(input.staffId, input.holdKey),
      this.keys.undoneAttempt(input.staffId, input.attempt?.id ?? "none"),
      this.keys.holdCreator(input.staffId, input.holdKey),
      this.stats(input.staffId, input.nowMs),
    ];
    const args: (string | number)[] = [
      input.nowMs,
      input.holdKey,
      input.tokenHash,
      input.clientTag,
      input.slots.length,
      input.presentedTokenHash ?? "",
      input.holders ? "1" : "0",
    ];
    for (const slot of input.slots) args.push(slot.startMs, ...candidateDates(slot));
    args.push(input.reschedule?.appointmentId ?? "");
    args.push(input.attempt?.id ?? "", input.attempt?.keyed ? "1" : "0");
    const reply = await runScript(this.redis, holdSlots, keys, args, Strings);
    const [kind, a, b, ...rest] = reply;
    if (kind === "ok" || kind === "existing") {
      const [cap, ...granted] = rest;
      const slots = [];
      for (let i = 0; i + 4 < granted.length; i += 5) {
        slots.push({
          endMs: int(granted[i]),
          cellStart: int(granted[i + 1]),
          cellEnd: int(granted[i + 2]),
          offsetMin: int(granted[i + 3]),
          endOffsetMin: int(granted[i + 4]),
        });
      }
      return { kind, holdKey: String(a), expiresAtMs: int(b), capAtMs: int(cap), slots };
    }
    if (kind === "held")
      return b === "mine" ? { kind, untilMs: int(a), mine: true } : { kind, untilMs: int(a) };
    if (kind === "booked") return { kind, untilMs: int(a) };
    if (kind === "limit" && (a === "client" || a === "ip" || a === "series"))
      return { kind, holder: a, untilMs: int(b) };
    if (kind === "unavailable" && (b === "not-offered" || b === "notice"))
      return { kind, index: int(a), reason: b };
    if (kind === "overlap") return { kind, first: int(a), second: int(b) };
    if (kind === "released" || kind === "undone") return { kind };
    throw new RedisFailure(`hold_slots: unexpected reply ${JSON.stringify(reply)}`);
  }

  async undoHold(input: Parameters<LiveStateStore["undoHold"]>[0]): Promise<HoldUndo> {
    const keys = [
      ...this.keys.liveKeys(input.staffId),
      ...this.holderKeys(input.holders),
      this.keys.undoneAttempt(input.staffId, input.attempt.id),
      this.keys.holdCreator(input.staffId, input.holdKey),
      this.stats(input.staffId, input.nowMs),
    ];
    const args = [
      input.nowMs,
      input.holdKey,
      input.tokenHash,
      input.attempt.id,
      input.attempt.keyed ? "1" : "0",
      input.holders ? "1" : "0",
      UNDONE_ATTEMPT_MS,
    ];
    const reply = await runScript(this.redis, undoHold, keys, args, Strings);
    const [kind] = reply;
    if (kind === "undone" || kind === "kept" || kind === "gone") return kind;
    throw new RedisFailure(`undo_hold: unexpected reply ${JSON.stringify(reply)}`);
  }

  /**
   * The funnel's counters of the UTC day of `nowMs` (the `now` the script gets): every script
   * that selects, holds, releases, books or sweeps expired holds counts there, in its own call.
   */
  private stats(staffId: string, nowMs: number): string {
    return this.keys.stats(staffId, utcDate(nowMs));
  }

  /** The two hold-limit counters of a holder (placeholders when not counted: never written). */
  private holderKeys(holders: HolderTags | null | undefined): [string, string] {
    return [
      this.keys.heldBy("client", holders?.client ?? "none"),
      this.keys.heldBy("ip", holders?.ip ?? "none"),
    ];
  }

  async extend(
    input: Parameters<LiveStateStore["extend"]>[0],
  ): Promise<{ expiresAtMs: number; capped: boolean } | null> {
    const reply = await runScript(
      this.redis,
      extendHold,
      [...this.keys.liveKeys(input.staffId), ...this.holderKeys(input.holders)],
      [input.nowMs, input.holdKey, input.tokenHash, input.holders?.client ?? ""],
      Strings,
    );
    if (reply[0] === "not-found") return null;
    if (reply[0] !== "ok")
      throw new RedisFailure(`extend_hold: unexpected reply ${JSON.stringify(reply)}`);
    return { expiresAtMs: int(reply[1]), capped: reply[2] === "1" };
  }

  async release(input: Parameters<LiveStateStore["release"]>[0]): Promise<boolean> {
    const reply = await runScript(
      this.redis,
      releaseHold,
      [
        ...this.keys.liveKeys(input.staffId),
        this.keys.releasedHold(input.staffId, input.holdKey),
        ...this.holderKeys(input.holders),
        this.stats(input.staffId, input.nowMs),
      ],
      [input.nowMs, input.holdKey, input.tokenHash, input.holders?.client ?? ""],
      Strings,
    );
    if (reply[0] !== "ok" && reply[0] !== "not-found")
      throw new RedisFailure(`release_hold: unexpected reply ${JSON.stringify(reply)}`);
    return reply[0] === "ok";
  }

  /**
   * Takes back a hold this request just made, whose holder never got its answer (the booking
   * store refused it): as a release, but nothing is remembered, so its Idempotency-Key may hold
   * again. `remember`: a real release (the hold was answered before).
   */
  async retract(
    input: Parameters<LiveStateStore["release"]>[0] & { clientTag: string; remember: boolean },
  ): Promise<boolean> {
    const reply = await runScript(
      this.redis,
      releaseHold,
      [
        ...this.keys.liveKeys(input.staffId),
        this.keys.releasedHold(input.staffId, input.holdKey),
        ...this.holderKeys(input.holders),
        this.stats(input.staffId, input.nowMs),
      ],
      [
        input.nowMs,
        input.holdKey,
        input.tokenHash,
        input.holders?.client ?? input.clientTag,
        input.remember ? "0" : "1",
      ],
      Strings,
    );
    return reply[0] === "ok";
  }

  async beginBooking(
    input: Parameters<LiveStateStore["beginBooking"]>[0],
  ): Promise<BeginBookingOutcome> {
    const keys = [
      ...this.keys.liveKeys(input.staffId),
      this.keys.idempotency(input.staffId, input.idempotency?.keyHash ?? "none"),
      this.keys.releasedHold(input.staffId, input.holdKey),
      ...this.holderKeys(input.holders),
      this.stats(input.staffId, input.nowMs),
    ];
    const args: (string | number)[] = [
      input.nowMs,
      input.holdKey,
      input.tokenHash,
      input.clientTag,
      input.idempotency?.bodyHash ?? "",
      IDEMPOTENCY_LEASE_MS,
      OFFER_TTL_MS,
      input.holders?.client ?? "",
      input.slots.length,
    ];
    for (const s of input.slots)
      args.push(s.startMs, s.endMs, s.cellStart, s.cellEnd, s.offsetMin, s.appointmentId);
    args.push(input.ignoreBookedId ?? "");
    const reply = await runScript(this.redis, beginBooking, keys, args, Strings);
    const [kind, a, b, ...rest] = reply;
    if (kind === "ok")
      return {
        kind,
        ownHold: a === "1",
        restore: [b, ...rest].filter((x): x is string => x !== undefined),
      };
    if (
      kind === "idempotency-seen" ||
      kind === "idempotency-conflict" ||
      kind === "wrong-token" ||
      kind === "released"
    )
      return { kind };
    if (kind === "held") return { kind, untilMs: int(a), ownHold: b === "1" };
    if (kind === "booked") return { kind, untilMs: int(a), ownHold: b === "1" };
    throw new RedisFailure(`begin_booking: unexpected reply ${JSON.stringify(reply)}`);
  }

  async clearBooked(input: Parameters<LiveStateStore["clearBooked"]>[0]): Promise<void> {
    await this.abortBooking({
      staffId: input.staffId,
      idempotencyKeyHash: null,
      appointmentIds: input.appointmentIds,
      restore: [],
      nowMs: input.nowMs,
    });
  }

  async abortBooking(input: Parameters<LiveStateStore["abortBooking"]>[0]): Promise<void> {
    const keys = [
      ...this.keys.liveKeys(input.staffId),
      this.keys.idempotency(input.staffId, input.idempotencyKeyHash ?? "none"),
      this.stats(input.staffId, input.nowMs),
    ];
    const args = [
      input.nowMs,
      input.idempotencyKeyHash ? "1" : "0",
      input.appointmentIds.length,
      ...input.appointmentIds,
      ...input.restore,
    ];
    await runScript(this.redis, abortBooking, keys, args, z.number());
  }

  /**
   * SCAN (never KEYS) for live hashes, then one pipeline reading each hash with its two start
   * indexes (a value leaves its start cell to the index): two round trips. Admin only.
   */
  async scan(input: {
    cursor: string;
    staffId?: string;
    nowMs: number;
  }): Promise<{ cursor: string; entries: LiveEntryDump[] }> {
    const match = input.staffId ? this.keys.live(input.staffId) : this.keys.livePattern();
    // Not scripts, so checked here: any failure or odd reply is a RedisFailure like the others.
    try {
      const page = ScanReply.parse(await this.redis.scan(input.cursor, { match, count: 200 }));
      const [next, keys] = page;
      const entries: LiveEntryDump[] = [];
      if (keys.length > 0) {
        const pipeline = this.redis.pipeline();
        const staffIds = keys.map((key) => this.keys.staffIdOfLive(key));
        for (const staffId of staffIds) {
          const [blockers, markers] = this.keys.liveIndexes(staffId);
          pipeline.hgetall(this.keys.live(staffId));
          pipeline.zrange(blockers, 0, -1, { withScores: true });
          pipeline.zrange(markers, 0, -1, { withScores: true });
        }
        const replies = z
          .array(z.unknown())
          .length(keys.length * 3)
          .parse(await pipeline.exec());
        staffIds.forEach((staffId, i) => {
          const starts = new Map([
            ...flatPairs(replies[3 * i + 1]),
            ...flatPairs(replies[3 * i + 2]),
          ]);
          const hash = flatPairs(replies[3 * i]);
          entries.push(...dumpHash(staffId, hash, starts, input.nowMs));
        });
      }
      return { cursor: String(next), entries };
    } catch (error) {
      if (error instanceof RedisFailure) throw error;
      throw new RedisFailure(`scan: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  async watch(input: Parameters<LiveStateStore["watch"]>[0]): Promise<WatchOutcome> {
    const { stream } = input;
    const keys = [
      ...this.keys.liveKeys(input.staffId),
      this.keys.liveStreams(stream.ipGroup),
      this.stats(input.staffId, input.nowMs),
    ];
    const args = [
      input.nowMs,
      input.clientTag,
      input.fromMs,
      input.toMs,
      stream.id,
      stream.leaseMs,
      stream.most,
    ];
    const reply = await runScript(this.redis, liveWatch, keys, args, WatchReply);
    if (reply[0] === "limit") return { kind: "limit", untilMs: int(reply[1]) };
    const window: z.infer<typeof RawWindow> = [reply[1], reply[2], reply[3], reply[4]];
    return { kind: "ok", entries: entriesIn(window, input) };
  }

  async unwatch(input: Parameters<LiveStateStore["unwatch"]>[0]): Promise<void> {
    await command("unwatch", () =>
      this.redis.zrem(this.keys.liveStreams(input.ipGroup), input.streamId),
    );
  }

  /** One SET with the ticket's remaining life as its TTL (Redis forgets it by itself). */
  async putTicket(input: Parameters<LiveStateStore["putTicket"]>[0]): Promise<void> {
    const { ticket } = input;
    const value = [ticket.expiresAtMs, ticket.staffId, ticket.date, ticket.clientTag].join("|");
    const ttlMs = Math.max(1, ticket.expiresAtMs - input.nowMs);
    await command("put-ticket", () =>
      this.redis.set(this.keys.liveTicket(input.ticketHash), value, { px: ttlMs }),
    );
  }

  /**
   * One GETDEL: reading and deleting in one command is what makes a ticket single-use (of two
   * concurrent takes, the second finds nothing). The stored expiry is checked against `nowMs`
   * as well, so the worker's clock decides, as for every live entry.
   */
  async takeTicket(input: Parameters<LiveStateStore["takeTicket"]>[0]): Promise<LiveTicket | null> {
    const value = await command("take-ticket", () =>
      this.redis.getdel<string>(this.keys.liveTicket(input.ticketHash)),
    );
    if (value === null) return null;
    const [expires, staffId = "", date = "", clientTag] = String(value).split("|");
    const expiresAtMs = Number(expires);
    if (!Number.isSafeInteger(expiresAtMs) || !staffId || !date || clientTag === undefined)
      throw new RedisFailure(`take-ticket: unreadable ticket ${String(value).slice(0, 80)}`);
    return expiresAtMs > input.nowMs ? { staffId, date, clientTag, expiresAtMs } : null;
  }

  async heartbeat(input: Parameters<LiveStateStore["heartbeat"]>[0]): Promise<LiveEntry[]> {
    const args = [
      input.nowMs,
      input.clientTag,
      input.keepViewing ? "1" : "0",
      input.fromMs,
      input.toMs,
      input.localDate ? Date.parse(`${input.localDate}T00:00:00Z`) : "",
    ];
    const reply = await runScript(
      this.redis,
      heartbeat,
      [...this.keys.liveKeys(input.staffId), this.stats(input.staffId, input.nowMs)],
      args,
      RawWindow,
    );
    // The entries of the local date (the port's contract), without the stream's ids.
    const entries: LiveEntry[] = [];
    for (const { id: _id, ...entry } of entriesIn(reply, input)) {
      const date = formatWithOffset(entry.startMs, entry.offsetMin).slice(0, 10);
      if (!input.localDate || date === input.localDate) entries.push(entry);
    }
    return entries;
  }
}

/**
 * The cells availability_overlay reads for one staff member: every cell a slot offered on the
 * given dates can occupy, buffers included ([from, to), empty without dates).
 */
function overlayWindow(meta: OfferMeta, days: OfferDay[]): [number, number] {
  if (days.length === 0) return [0, 0];
  const before = Math.ceil(meta.bufferBeforeMin / 5);
  const after = Math.ceil((meta.durationMin + meta.bufferAfterMin) / 5);
  const from = Math.min(...days.map((day) => Math.floor(day.baseMs / CELL_MS)));
  const to = Math.max(
    ...days.map((day) => Math.ceil(day.baseMs / CELL_MS) + day.bitmapHex.length * 4),
  );
  return [from - before, to + after];
}

/** A flat [a, b, a, b, …] reply (or an object, as HGETALL may answer) as pairs. */
function flatPairs(reply: unknown): [string, string][] {
  if (Array.isArray(reply))
    return Array.from({ length: Math.floor(reply.length / 2) }, (_, i) => [
      String(reply[2 * i]),
      String(reply[2 * i + 1]),
    ]);
  return Object.entries((reply ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
}

/**
 * Decodes one live hash into entries, skipping expired ones (value formats in lua/lib/live.lua).
 * A field without its index entry is a leftover and is skipped, as the scripts skip it.
 */
function dumpHash(
  staffId: string,
  hash: [string, string][],
  starts: Map<string, string>,
  nowMs: number,
): LiveEntryDump[] {
  const entries: LiveEntryDump[] = [];
  for (const [field, value] of hash) {
    if (field === "~") continue;
    const cellStart = starts.get(field);
    if (cellStart === undefined) continue;
    const { startMin, endMin, offsetMin, expiresAtMs } = decodeIndexed(
      field,
      value,
      int(cellStart),
    );
    if (!(expiresAtMs > nowMs)) continue;
    const [code, key] = field.split(":");
    const id = code === "h" ? formatHoldId(key ?? "", staffId) : (key ?? "");
    entries.push({
      staffId,
      kind: kindOf(code),
      id,
      startMs: startMin * 60_000,
      endMs: endMin * 60_000,
      offsetMin,
      expiresAtMs,
    });
  }
  return entries;
}
