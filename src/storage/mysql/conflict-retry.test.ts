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

  it("a deadlock in beforeRetry costs an attempt, not the request", async () => {
    // The fallback hold's clean-up of dead cells, run between attempts, can itself be a
    // deadlock victim while Redis holds claim the same cells (measured by the multi-location drill).
    class Again extends Error {}
    const seen: string[] = [];
    let runs = 0;
    let befores = 0;
    const result = await retryConflicts(
      async () => {
        runs++;
        seen.push(`run ${runs}`);
        if (runs < 3) throw new Again("again");
        return runs;
      },
      {
        alsoRetry: (error) => error instanceof Again,
        beforeRetry: async () => {
          befores++;
          seen.push(`before ${befores}`);
          if (befores === 1) throw deadlock();
        },
      },
    );
    expect(result).toBe(3);
    expect(seen).toEqual(["run 1", "before 1", "run 2", "before 2", "run 3"]);
  });

  it("any other error in beforeRetry fails at once", async () => {
    class Again extends Error {}
    let runs = 0;
    await expect(
      retryConflicts(
        async () => {
          runs++;
          throw new Again("again");
        },
        {
          alsoRetry: (error) => error instanceof Again,
          beforeRetry: async () => {
            throw new Error("errno 1146 Table doesn't exist");
          },
        },
      ),
    ).rejects.toThrow(/1146/);
    expect(runs).toBe(1);
  });

  it("a beforeRetry that deadlocks every time gives up after CONFLICT_ATTEMPTS runs", async () => {
    class Again extends Error {}
    let runs = 0;
    await expect(
      retryConflicts(
        async () => {
          runs++;
          throw new Again("again");
        },
        {
          alsoRetry: (error) => error instanceof Again,
          beforeRetry: async () => {
            throw deadlock();
          },
        },
      ),
    ).rejects.toThrow(/again/);
    expect(runs).toBe(CONFLICT_ATTEMPTS);
  });
});
