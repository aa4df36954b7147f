/**
 * The deployed layout, locally: the edge worker and the placed worker (src/http/placement.ts),
 * both from the real bundle, in one Miniflare, with the distance between them and the stores
 * emulated by real delays on the local hops:
 *
 *   client ─ edge worker ──(DISTANCE_MS)── placed worker ──(PLACED_MS)── gateways ─ Redis, MySQL
 *                  └──────────────(DISTANCE_MS; reads REPLICA_MS)────────┘
 *
 * The edge worker reaches the stores through distance proxies (scripts/gateways/distance-proxy.ts)
 * and the placed worker through near ones; the service binding between them is a function here
 * in Node that waits the round trip and passes the request on. Every hop counts what crossed it,
 * so the tests assert crossings per operation and the bench reports them. The bundle itself
 * carries no emulation code.
 */
import { dirname } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type Request as MiniflareRequest } from "miniflare";
import {
  type DistanceProxy,
  startDistanceProxy,
  upstashRoundTrip,
} from "../gateways/distance-proxy.ts";

export interface Distances {
  /** Round trip between the location that receives the request and the stores' region. */
  distanceMs: number;
  /** Round trip between the placed worker and the stores (same region). */
  placedMs: number;
  /** Round trip between the edge location and its nearest Upstash read region. */
  replicaMs: number;
}

/** The defaults: PLACED_MS 2 whenever there is a distance, REPLICA_MS 5 (never more than the distance). */
export function distancesFor(
  distanceMs: number,
  env: Record<string, string | undefined> = {},
): Distances {
  const placedMs = Number(env.PLACED_MS ?? (distanceMs > 0 ? 2 : 0));
  const replicaMs = Math.min(Number(env.REPLICA_MS ?? 5), distanceMs);
  return { distanceMs, placedMs, replicaMs };
}

export interface Crossings {
  /** Requests the edge worker sent to the placed worker. */
  hop: number;
  edge: { redis: number; sql: number };
  placed: { redis: number; sql: number; statements: string[] };
}

export interface SplitWorkers {
  /** The edge worker's address: where clients send requests. */
  url: string;
  crossings(): Crossings;
  resetCrossings(): void;
  /** What the binding to the placed worker does: pass requests on, fail at once, or never answer. */
  setHop(mode: "pass" | "refuse" | "hang"): void;
  /**
   * A request straight to the placed worker from the edge location (the distance both ways):
   * the whole worker placed next to the stores, with no edge worker in front.
   */
  fetchPlaced(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export interface SplitWorkersOptions {
  scriptPath: string;
  /** Bindings both workers share; the store URLs are replaced by the proxies'. */
  bindings: Record<string, string>;
  distances: Distances;
  /**
   * "split" (default): the edge worker forwards placed paths through PLACED. "edge-only": the edge
   * worker has no binding and serves everything itself, every store call crossing the distance.
   */
  layout?: "split" | "edge-only";
  /** The port clients reach the edge worker on (default: any free one). */
  port?: number;
}

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** The same URL with its host and port replaced by a proxy's (credentials kept). */
function via(proxy: DistanceProxy, raw: string): string {
  const url = new URL(raw);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString().replace(/\/$/, "");
}

function isSqlStatement(path: string): boolean {
  return path.endsWith("/Execute");
}

/** The statement of a PlanetScale Execute request, shortened to its first words. */
function statementOf(body: string): string {
  try {
    const query = String((JSON.parse(body) as { query?: unknown }).query ?? "");
    return query.replace(/\s+/g, " ").slice(0, 80);
  } catch {
    return "?";
  }
}

/** The store addresses of each location, through proxies at its distance, and their counts. */
export interface LocationProxies {
  edge: { redisUrl: string; databaseUrl: string };
  placed: { redisUrl: string; databaseUrl: string };
  counts(): Omit<Crossings, "hop">;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Four proxies in front of the local gateways: the edge location's way to Redis (writes at the
 * distance, reads at the read region's) and to MySQL, and the placed worker's near ones.
 */
export async function startLocationProxies(
  distances: Distances,
  store: { redisUrl: string; databaseUrl: string },
): Promise<LocationProxies> {
  const { distanceMs, placedMs, replicaMs } = distances;
  const databaseOrigin = new URL(store.databaseUrl).origin;
  const sqlPaths: Record<"edge" | "placed", number> = { edge: 0, placed: 0 };
  let placedStatements: string[] = [];
  const sqlCounting =
    (side: "edge" | "placed", rtt: number) =>
    ({ path, body }: { path: string; body: string }) => {
      if (isSqlStatement(path)) {
        sqlPaths[side]++;
        if (side === "placed") placedStatements.push(statementOf(body));
      }
      return rtt;
    };
  const proxies = {
    edgeRedis: await startDistanceProxy({
      port: 0,
      target: store.redisUrl,
      roundTripMs: upstashRoundTrip(distanceMs, replicaMs),
    }),
    edgeSql: await startDistanceProxy({
      port: 0,
      target: databaseOrigin,
      roundTripMs: sqlCounting("edge", distanceMs),
    }),
    placedRedis: await startDistanceProxy({
      port: 0,
      target: store.redisUrl,
      roundTripMs: () => placedMs,
    }),
    placedSql: await startDistanceProxy({
      port: 0,
      target: databaseOrigin,
      roundTripMs: sqlCounting("placed", placedMs),
    }),
  };
  return {
    edge: {
      redisUrl: via(proxies.edgeRedis, store.redisUrl),
      databaseUrl: via(proxies.edgeSql, store.databaseUrl),
    },
    placed: {
      redisUrl: via(proxies.placedRedis, store.redisUrl),
      databaseUrl: via(proxies.placedSql, store.databaseUrl),
    },
    counts: () => ({
      edge: { redis: proxies.edgeRedis.crossings().requests, sql: sqlPaths.edge },
      placed: {
        redis: proxies.placedRedis.crossings().requests,
        sql: sqlPaths.placed,
        statements: [...placedStatements],
      },
    }),
    reset: () => {
      sqlPaths.edge = 0;
      sqlPaths.placed = 0;
      placedStatements = [];
      for (const proxy of Object.values(proxies)) proxy.resetCrossings();
    },
    close: async () => {
      for (const proxy of Object.values(proxies)) await proxy.close();
    },
  };
}

export async function startSplitWorkers(options: SplitWorkersOptions): Promise<SplitWorkers> {
  const { distanceMs } = options.distances;
  const proxies = await startLocationProxies(options.distances, {
    redisUrl: options.bindings.UPSTASH_REDIS_REST_URL ?? "",
    databaseUrl: options.bindings.DATABASE_URL ?? "",
  });
  let hop = 0;
  let hopMode: "pass" | "refuse" | "hang" = "pass";
  let placedFetch: ((request: Request) => Promise<Response>) | null = null;

  // Both workers run the same bundle; only their store addresses (and the edge's binding) differ.
  const worker = (name: string, stores: { redisUrl: string; databaseUrl: string }) => ({
    name,
    modules: true,
    scriptPath: options.scriptPath,
    modulesRoot: dirname(options.scriptPath),
    compatibilityDate: "2025-09-01",
    compatibilityFlags: ["enable_request_signal"],
    bindings: {
      ...options.bindings,
      UPSTASH_REDIS_REST_URL: stores.redisUrl,
      DATABASE_URL: stores.databaseUrl,
    },
  });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: options.port ?? 0,
      workers: [
        {
          ...worker("edge", proxies.edge),
          serviceBindings:
            options.layout === "edge-only"
              ? {}
              : {
                  PLACED: async (request: MiniflareRequest) => {
                    hop++;
                    if (hopMode === "refuse") throw new Error("placed worker unreachable");
                    if (hopMode === "hang") return new Promise<never>(() => {});
                    await sleep(distanceMs / 2);
                    if (!placedFetch) throw new Error("placed worker not ready");
                    const body =
                      request.method === "GET" || request.method === "HEAD"
                        ? undefined
                        : await request.arrayBuffer();
                    const answer = await placedFetch(
                      new Request(request.url, {
                        method: request.method,
                        headers: request.headers as unknown as HeadersInit,
                        body,
                      }),
                    );
                    // An event stream (GET /v1/admin/live) passes as it is sent, as over a real
                    // service binding; any other answer arrives whole after the return trip.
                    if (/^text\/event-stream/.test(answer.headers.get("Content-Type") ?? "")) {
                      await sleep(distanceMs / 2);
                      return new Response(answer.body, {
                        status: answer.status,
                        headers: answer.headers,
                      }) as never;
                    }
                    const bytes = await answer.arrayBuffer();
                    await sleep(distanceMs / 2);
                    return new Response(bytes, {
                      status: answer.status,
                      headers: answer.headers,
                    }) as never;
                  },
                },
        },
        worker("placed", proxies.placed),
      ],
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const placed = await mf.getWorker("placed");
  placedFetch = (request) =>
    placed.fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.body === null ? undefined : (request.body as never),
      duplex: "half",
    } as never) as unknown as Promise<Response>;

  return {
    url,
    crossings: () => ({ hop, ...proxies.counts() }),
    resetCrossings: () => {
      hop = 0;
      proxies.reset();
    },
    fetchPlaced: async (path, init) => {
      hop++;
      await sleep(distanceMs / 2);
      const answer = (await placed.fetch(
        `http://placed${path}`,
        init as never,
      )) as unknown as Response;
      const bytes = await answer.arrayBuffer();
      await sleep(distanceMs / 2);
      return new Response(bytes, { status: answer.status, headers: answer.headers });
    },
    setHop: (mode) => {
      hopMode = mode;
    },
    dispose: async () => {
      await mf.dispose();
      await proxies.close();
    },
  };
}
