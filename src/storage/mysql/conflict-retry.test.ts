import { describe, expect, it } from "vitest";
import { CONFLICT_ATTEMPTS, retryConflicts } from "./conflict-retry.ts";

const deadlock = () =>
  new Error("target: ... errno 1213 ... Deadlock found when trying to get lock");

describe("retryConflicts", () => {
  it("runs a deadlock victim again until it succeeds", async () => {
    let runs = 0;
    const result = await retryConflicts(async () => {
      runs++;
      if (runs < 3) throw deadlock();
      return "done";
    });
    expect(result).toBe("done");
    expect(runs).toBe(3);
  });

  it("gives up after CONFLICT_ATTEMPTS runs with the last error", async () => {
    let runs = 0;
    await expect(
      retryConflicts(async () => {
        runs++;
        throw deadlock();
      }),
    ).rejects.toThrow(/Deadlock/);
    expect(runs).toBe(CONFLICT_ATTEMPTS);
  });

  it("never runs again for any other error", async () => {
    let runs = 0;
    await expect(
      retryConflicts(async () => {
        runs++;
        throw new Error("errno 1062 Duplicate entry");
      }),
    ).rejects.toThrow(/Duplicate/);
    expect(runs).toBe(1);
  });

  it("runs again for the caller's own signal, after its beforeRetry", async () => {
    class Again extends Error {}
    const seen: string[] = [];
    let runs = 0;
    const result = await retryConflicts(
      async () => {
        runs++;
        seen.push(`run ${runs}`);
        if (runs === 1) throw new Again("again");
        return runs;
      },
      {
        alsoRetry: (error) => error instanceof Again,
        beforeRetry: async () => {
          seen.push("before");
        },
      },
    );
    expect(result).toBe(2);
    expect(seen).toEqual(["run 1", "before", "run 2"]);
  });
});
