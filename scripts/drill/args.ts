/** `npm run drill -- [--locations N] [--layout split|edge-only] [--fault refuse|hang|...]`. */
import type { GatewayFault } from "../gateways/upstash-gateway.ts";

export interface DrillArgs {
  /** 1: the single-location drill (stops Redis itself); N ≥ 2: N locations, one cut off. */
  locations: number;
  layout: "split" | "edge-only";
  /** What the cut location's way to Redis does while cut (multi-location only). */
  fault: Exclude<GatewayFault, "none">;
}

const FAULTS = ["refuse", "hang", "slow", "late", "http500", "malformed"] as const;

/** Reads `--name value` and `--name=value`; an unknown or malformed argument is an error. */
export function parseDrillArgs(argv: readonly string[]): DrillArgs {
  const args: DrillArgs = { locations: 1, layout: "split", fault: "refuse" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split("=", 2) : [arg];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === "--locations") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 2 || n > 10)
        throw new Error(`--locations must be a whole number from 2 to 10 (got ${value})`);
      args.locations = n;
    } else if (name === "--layout") {
      if (value !== "split" && value !== "edge-only")
        throw new Error(`--layout must be split or edge-only (got ${value})`);
      args.layout = value;
    } else if (name === "--fault") {
      const fault = FAULTS.find((f) => f === value);
      if (!fault) throw new Error(`--fault must be one of ${FAULTS.join(", ")} (got ${value})`);
      args.fault = fault;
    } else {
      throw new Error(
        `unknown argument ${name}; usage: npm run drill -- [--locations N] [--layout split|edge-only] [--fault ${FAULTS.join("|")}]`,
      );
    }
  }
  return args;
}
