/**
 * This tab's count of the places its live streams take under the server's limit of open streams
 * per client address. The server learns that a client closed a stream only a few seconds later
 * (at its next write), so a place this tab gave up still counts there for a while: opening the
 * new date's streams as soon as the old ones close would be refused (429). Counting closed
 * streams until the server surely let them go keeps the tab under the limit.
 */

/** The server's limit of open streams per client address. */
export const STREAMS_PER_ADDRESS = 10;
/** The server gives a departed client's place back within this long. */
export const RELEASE_LAG_MS = 10_000;

/** A place taken; release it once, when its stream ends. */
export interface Place {
  /**
   * `lagged`: this side closed the stream (or lost it), so the server may count it for
   * RELEASE_LAG_MS more; false when the server ended or refused it (its place is free there).
   */
  release(lagged: boolean): void;
}

export class StreamPlaces {
  private open = 0;
  /** When each place this tab closed is surely free on the server too. */
  private freeing: number[] = [];

  constructor(
    private readonly limit = STREAMS_PER_ADDRESS,
    private readonly lagMs = RELEASE_LAG_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** A place, or null when this tab's streams (open, or closed too recently) fill the limit. */
  take(): Place | null {
    this.prune();
    if (this.open + this.freeing.length >= this.limit) return null;
    this.open++;
    let released = false;
    return {
      release: (lagged) => {
        if (released) return;
        released = true;
        this.open--;
        if (lagged) this.freeing.push(this.now() + this.lagMs);
      },
    };
  }

  /** How long until a place frees: 0 when one is free, Infinity when only open streams hold them. */
  freeInMs(): number {
    this.prune();
    if (this.open + this.freeing.length < this.limit) return 0;
    if (this.freeing.length === 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, Math.min(...this.freeing) - this.now());
  }

  private prune(): void {
    const now = this.now();
    this.freeing = this.freeing.filter((at) => at > now);
  }
}
