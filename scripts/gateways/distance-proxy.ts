/**
 * A local hop with a distance: an HTTP proxy that holds every request for half a round trip on
 * the way in and half on the way out, then passes it on unchanged (streamed answers included:
 * a subscription's events are not delayed further, as on a real long-lived connection).
 *
 * It stands between the worker and a gateway, so the worker talks to stores that are as far
 * away as the emulation says, with no emulation code in the worker. It also counts the requests
 * that crossed it: that is how the distance bench and the placement tests count crossings.
 *
 * The round trip of a request may depend on the request: Upstash Global serves read-only
 * commands from the nearest read region and sends writes to the primary region
 * (`upstashRoundTrip`).
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

export interface DistanceProxyOptions {
  /** Port to listen on (0: any free port). */
  port: number;
  /** Where requests go, `http://127.0.0.1:PORT`. */
  target: string;
  /** The round trip one request pays, in ms, from its path and body. */
  roundTripMs: (request: { path: string; body: string }) => number;
}

export interface DistanceProxy {
  url: string;
  port: number;
  /** Requests that crossed, and how many paid each round trip. */
  crossings(): { requests: number; byRoundTripMs: Record<number, number> };
  resetCrossings(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startDistanceProxy(options: DistanceProxyOptions): Promise<DistanceProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 1_024 });
  let requests = 0;
  let byRoundTripMs: Record<number, number> = {};

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const path = req.url ?? "/";
    const rtt = Math.max(0, options.roundTripMs({ path, body: body.toString("utf8") }));
    requests++;
    byRoundTripMs[rtt] = (byRoundTripMs[rtt] ?? 0) + 1;
    await sleep(rtt / 2);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        void sleep(rtt / 2).then(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
      },
    );
    // A refused or broken upstream looks to the caller as it would without the proxy: the
    // connection ends with no answer.
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port, host: "127.0.0.1", backlog: 4_096 }, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    crossings: () => ({ requests, byRoundTripMs: { ...byRoundTripMs } }),
    resetCrossings: () => {
      requests = 0;
      byRoundTripMs = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Redis commands Upstash Global may serve from a read region. A script goes there only when it
 * is sent as EVAL_RO or EVALSHA_RO; plain EVAL and EVALSHA always go to the primary region, since
 * the server cannot know that a script does not write.
 */
const READ_COMMANDS = new Set([
  "get",
  "mget",
  "exists",
  "ttl",
  "pttl",
  "type",
  "strlen",
  "getrange",
  "hget",
  "hmget",
  "hgetall",
  "hexists",
  "hkeys",
  "hvals",
  "hlen",
  "scard",
  "smembers",
  "sismember",
  "zcard",
  "zcount",
  "zrange",
  "zrangebyscore",
  "zrevrange",
  "zrevrangebyscore",
  "zscore",
  "zrank",
  "llen",
  "lrange",
  "lindex",
  "scan",
  "hscan",
  "sscan",
  "zscan",
  "dbsize",
  "ping",
  "echo",
  "eval_ro",
  "evalsha_ro",
]);

/** The command names in an Upstash REST body: one command, or a pipeline's array of them. */
function commandNames(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!Array.isArray(parsed)) return [];
    const commands = Array.isArray(parsed[0]) ? (parsed as unknown[][]) : [parsed];
    return commands.map((command) => String(command[0] ?? "").toLowerCase());
  } catch {
    return [];
  }
}

/**
 * The round trip of an Upstash REST request from a location `primaryMs` away from the primary
 * region and `replicaMs` away from its nearest read region: reads (every command of the request
 * a read) pay `replicaMs`, anything else `primaryMs`. Subscriptions are held by the primary.
 */
export function upstashRoundTrip(
  primaryMs: number,
  replicaMs: number,
): DistanceProxyOptions["roundTripMs"] {
  return ({ path, body }) => {
    if (path.includes("/subscribe/") || path.includes("/psubscribe/")) return primaryMs;
    const names = commandNames(body);
    const allReads = names.length > 0 && names.every((name) => READ_COMMANDS.has(name));
    return allReads ? replicaMs : primaryMs;
  };
}
