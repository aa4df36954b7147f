/**
 * The timeout of one store's calls, learned from the round trips this isolate has seen
 * (docs/adr/0506-timeouts-that-know-the-distance.md). Pure: no store client, no timer; the
 * clients report each answered call's duration and ask for the bound of the next one.
 *
 * The worker runs at the edge, possibly a few hundred milliseconds from the stores' region. A
 * fixed timeout cannot tell a store that is far from one that is slow: one short enough to catch
 * a hang quickly near the store fails every call of a store 300 ms away. The distance, though, is
 * a floor under every call, while queueing and slowness only add to it: the minimum duration of
 * the latest answers is the round trip, and the timeout grows with it:
 *
 *   timeout = floor + ROUND_TRIPS_PER_CALL × baseline
 *
 * where the floor is the configured timeout (REDIS_TIMEOUT_MS, MYSQL_TIMEOUT_MS): what a store
 * next door may take for its own work and the jitter, and the whole timeout when it is next door.
 */

/**
 * k: the round trips one call may need. A call on a new connection takes three (TCP handshake,
 * TLS 1.3 handshake, the request), and any call can be one: Workers open a connection whenever
 * more calls are in flight than warm connections exist, and after an idle spell. The floor covers
 * the store's own work on top, and a fourth round trip (TLS 1.2) while the distance is within it.
 */
export const ROUND_TRIPS_PER_CALL = 3;

/** The baseline is the minimum over at most this many of the latest answers… */
export const WINDOW_ANSWERS = 32;

/**
 * …that are at most this old (the latest answer is kept whatever its age). After a move farther
 * the old, shorter answers leave the window within this, even when few calls are answered
 * meanwhile (an isolate on the fallback only probes, once a cool-down); a move closer is
 * followed at the first answer, since the minimum drops at once.
 */
export const WINDOW_MS = 30_000;

/**
 * The round trip presumed before any call of the isolate was answered: the farthest an edge
 * location is expected to be from the stores' region. The isolate's first call also opens a
 * connection (three round trips), and with it fits within the cold timeout for a store up to this
 * far; a store farther still needs a higher floor.
 */
export const COLD_ROUND_TRIP_MS = 300;

/** The bound of a call sent with `baselineMs` learned (null: none yet, the cold rule). */
export function timeoutFor(floorMs: number, baselineMs: number | null): number {
  return Math.ceil(floorMs + ROUND_TRIPS_PER_CALL * (baselineMs ?? COLD_ROUND_TRIP_MS));
}

/** What a store client needs: the bound of a call it sends now, and where to report answers. */
export interface CallTimeouts {
  /** The bound of a call sent now (ms). */
  timeoutMs(): number;
  /** A call was answered after `durationMs`. Failures and timeouts are never reported. */
  answered(durationMs: number): void;
}

interface Answer {
  atMs: number;
  durationMs: number;
}

/** One store's baseline within one isolate: every client of that store reports to it. */
export class RoundTripBaseline implements CallTimeouts {
  /** The latest answers, oldest first. */
  private readonly answers: Answer[] = [];

  constructor(
    private readonly options: {
      /** The configured timeout (REDIS_TIMEOUT_MS, MYSQL_TIMEOUT_MS). */
      floorMs: number;
      /** A monotonic clock (ms): it dates answers for the window. */
      clock: { nowMs(): number };
    },
  ) {}

  answered(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.answers.push({ atMs: this.options.clock.nowMs(), durationMs });
    if (this.answers.length > WINDOW_ANSWERS) this.answers.shift();
  }

  /** The round trip learned: the minimum answer within the window (null before the first). */
  baselineMs(): number | null {
    const latest = this.answers.at(-1);
    if (!latest) return null;
    const sinceMs = this.options.clock.nowMs() - WINDOW_MS;
    let min = latest.durationMs;
    for (const answer of this.answers) {
      if (answer.atMs >= sinceMs && answer.durationMs < min) min = answer.durationMs;
    }
    return min;
  }

  timeoutMs(): number {
    return timeoutFor(this.options.floorMs, this.baselineMs());
  }
}

/**
 * The same store's timeouts with a budget of their own that they never go below: a probe that
 * must outlast the isolate's own queue (REDIS_PROBE_TIMEOUT_MS) still waits at least as long as a
 * call would. Its answers teach the same baseline.
 */
export function atLeast(budgetMs: number, timeouts: CallTimeouts): CallTimeouts {
  return {
    timeoutMs: () => Math.max(budgetMs, timeouts.timeoutMs()),
    answered: (durationMs) => timeouts.answered(durationMs),
  };
}
