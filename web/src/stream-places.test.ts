import { describe, expect, it } from "vitest";
import { RELEASE_LAG_MS, STREAMS_PER_ADDRESS, StreamPlaces } from "./stream-places.ts";

function places() {
  let now = 0;
  const counted = new StreamPlaces(STREAMS_PER_ADDRESS, RELEASE_LAG_MS, () => now);
  return { counted, advance: (ms: number) => (now += ms) };
}

describe("the tab's count of its live streams' places", () => {
  it("gives at most the server's limit of places", () => {
    const { counted } = places();
    const taken = Array.from({ length: STREAMS_PER_ADDRESS }, () => counted.take());
    expect(taken.every((p) => p !== null)).toBe(true);
    expect(counted.take()).toBeNull();
    expect(counted.freeInMs()).toBe(Number.POSITIVE_INFINITY);
  });

  it("counts a stream this side closed until the server surely freed it, and not one the server ended", () => {
    const { counted, advance } = places();
    const taken = Array.from({ length: STREAMS_PER_ADDRESS }, () => counted.take());
    taken[0]?.release(true); // closed here: the server learns it within RELEASE_LAG_MS
    expect(counted.take()).toBeNull();
    expect(counted.freeInMs()).toBe(RELEASE_LAG_MS);
    advance(RELEASE_LAG_MS - 1);
    expect(counted.take()).toBeNull();
    advance(1);
    expect(counted.take()).not.toBeNull();
    taken[1]?.release(false); // ended (or refused) by the server: free at once
    expect(counted.take()).not.toBeNull();
  });

  it("releases a place once, however often its release is called", () => {
    const { counted } = places();
    const taken = Array.from({ length: STREAMS_PER_ADDRESS }, () => counted.take());
    taken[0]?.release(false);
    taken[0]?.release(false);
    expect(counted.take()).not.toBeNull();
    expect(counted.take()).toBeNull();
  });
});
