// Local Upstash REST gateway: a node:http server in front of a real Redis, so the unmodified
// @upstash/redis client (Node and Cloudflare builds) runs against it in tests, dev and benchmarks.
// Wire protocol, Redis execution and fault injection stay together so the whole contract can be
// read in one place.
//
// Wire protocol (checked against @upstash/redis 1.39 dist code and the Upstash REST docs):
//   POST /            ["SET","k","v"]      -> 200 {"result":…} | 400 {"error":"<Redis text>"}
//   POST /pipeline    [[…],[…]]            -> 200 [{"result":…}|{"error":…}, …] (not atomic)
//   POST /multi-exec  [[…],[…]]            -> 200 [{"result":…}|{"error":…}, …] (MULTI/EXEC)
//   POST /subscribe/<channel>, /psubscribe/<pattern>  (Accept: text/event-stream, body [])
//                     -> 200 text/event-stream over a Redis SUBSCRIBE on a connection of its own:
//                        "data: subscribe,<channel>,1", then "data: message,<channel>,<message>"
//                        ("data: psubscribe,<pattern>,1", "data: pmessage,<pattern>,<channel>,<message>")
//                        each followed by a blank line; the message is raw (no base64). Ends when
//                        the client disconnects (the Redis connection is closed: PUBSUB NUMSUB
//                        drops) or the Redis connection fails (the client must resubscribe).
// With "Upstash-Encoding: base64" every string at any depth is base64 (the client decodes all).
// Redis unreachable -> 500 {"error":"ERR Redis unavailable: …"} at once; it reconnects by itself.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { Redis, ReplyError } from "ioredis";

export type GatewayFault = "none" | "refuse" | "hang" | "slow" | "late" | "http500" | "malformed";

export interface UpstashGatewayOptions {
  port: number;
  host?: string;
  redisUrl: string;
  token: string;
  log?: (line: string) => void;
  /**
   * Serves POST /__fault (with the token; body {"fault", "slowMs"?, "keepSubscriptions"?,
   * "only"?, "times"?}): what
   * setFault does, for tests that cannot call it (the workerd tier). Never in dev or the bench.
   */
  faultControl?: boolean;
  /**
   * The distance to the store: every request (the fault control excepted) waits this long before
   * it is handled, faults included, as one to a Redis that far away would. A real delay on the
   * local hop, so clients measure it as a round trip (default 0).
   */
  delayMs?: number;
}

export interface FaultOptions {
  slowMs?: number;
  /**
   * Only requests whose body contains this text get the fault ("slow" and "late" only; e.g. one
   * script's SHA-1, so that a test holds up that script's calls and nothing else's).
   */
  only?: string;
  /**
   * With `only`, or for "late": the fault ends by itself after this many requests got it
   * (default: no end).
   */
  times?: number;
  /** Leave open subscriptions alone (as when Upstash's stream outlives the data path). */
  keepSubscriptions?: boolean;
}

export interface UpstashGateway {
  url: string;
  port: number;
  /** Fault injection for failover tests: every later request gets this behaviour until set back
   * to "none". refuse = destroy the socket without a response; hang = never answer (until close);
   * slow = answer after slowMs; late = run the command at once but answer only after slowMs (a
   * reply lost on the way: the client times out on a command that did run); http500 = 500 with
   * a JSON error; malformed = 200 with a body that
   * is not JSON. Open subscriptions end too, as when Redis became unreachable (except for slow,
   * or with keepSubscriptions). */
  setFault(fault: GatewayFault, opts?: FaultOptions): void;
  /** Requests received since start (all paths), for tests. */
  requestCount(): number;
  /**
   * Redis commands run for clients since start (a pipeline counts each command; a subscription
   * counts its SUBSCRIBE), and pub/sub messages delivered to subscribers: for the bench.
   */
  commandCount(): { commands: number; delivered: number };
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SLOW_MS = 1000;
const STARTUP_WAIT_MS = 2000;

// Commands that block or change connection state would break the one shared connection.
// biome-ignore format: a packed list reads better than one name per line
const REFUSED_COMMANDS = new Set(
  [
    "select", "multi", "exec", "discard", "watch", "unwatch", "quit", "reset", "hello", "auth",
    "client", "monitor", "sync", "psync", "replicaof", "slaveof", "shutdown", "wait", "waitaof",
    "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
    "blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop",
  ],
);

type Command = [name: string, ...args: string[]];
type Reply = { result: unknown } | { error: string };
interface Outcome {
  status: number;
  body: Reply | Reply[];
}
type Route = (redis: Redis, body: unknown, base64: boolean) => Promise<Outcome>;

/** How many Redis commands a request body carries (one command, or a list of them). */
function commandsIn(body: unknown): number {
  if (!Array.isArray(body)) return 0;
  return body.every(Array.isArray) ? body.length : 1;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- request parsing

function parseCommand(raw: unknown): Command {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new HttpError(400, "ERR a command must be a non-empty JSON array");
  }
  const parts = raw.map((arg: unknown) => {
    if (typeof arg === "string") return arg;
    // The client sends numbers and booleans as JSON values; Redis only knows strings.
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    throw new HttpError(400, `ERR unsupported argument type: ${JSON.stringify(arg)}`);
  });
  const [name = "", ...args] = parts;
  // Upper case on purpose: ioredis reply transformers are keyed by lower-case names (e.g.
  // "hgetall" -> object) and must not fire; Redis itself ignores the case.
  return [name.toUpperCase(), ...args];
}

function parseCommandList(raw: unknown): Command[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new HttpError(400, "ERR body must be a non-empty JSON array of commands");
  }
  return raw.map(parseCommand);
}

/** Upstash-style refusal text, or undefined when the command may run on the shared connection. */
function refusal([name, ...args]: Command): string | undefined {
  const lower = name.toLowerCase();
  if (REFUSED_COMMANDS.has(lower)) return `ERR Command is not allowed: ${lower}`;
  if (lower === "xread" || lower === "xreadgroup") {
    const upper = args.map((a) => a.toUpperCase());
    const streamsAt = upper.indexOf("STREAMS");
    const options = streamsAt < 0 ? upper : upper.slice(0, streamsAt);
    if (options.includes("BLOCK")) return `ERR Command is not allowed: ${lower} with BLOCK`;
  }
  return undefined;
}

// ---------------------------------------------------------------- reply encoding

function encodeValue(value: unknown, base64: boolean): unknown {
  // The cast: the Workers types declare the global Buffer as `any`, so isBuffer narrows nothing.
  if (Buffer.isBuffer(value)) return (value as Buffer).toString(base64 ? "base64" : "utf8");
  if (typeof value === "string") return encodeValue(Buffer.from(value), base64);
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, base64));
  // An error nested in an array reply (e.g. a Lua table holding redis.error_reply).
  if (value instanceof Error) return encodeValue(value.message, base64);
  return null;
}

function isRedisError(err: unknown): err is Error {
  return err instanceof ReplyError;
}

/** A non-Redis failure (connection down, timeout) gets a message that says so. */
function unavailable(err: unknown): string {
  return `ERR Redis unavailable: ${err instanceof Error ? err.message : String(err)}`;
}

function toReply(err: Error | null, value: unknown, base64: boolean): Reply {
  if (!err) return { result: encodeValue(value, base64) };
  return { error: isRedisError(err) ? err.message : unavailable(err) };
}

function failure(err: unknown): Outcome {
  if (!isRedisError(err)) return { status: 500, body: { error: unavailable(err) } };
  // EXECABORT alone does not say which command was wrong; ioredis keeps the queue-time errors.
  const previous = (err as Error & { previousErrors?: Error[] }).previousErrors ?? [];
  const detail = previous.length > 0 ? ` (${previous.map((e) => e.message).join("; ")})` : "";
  return { status: 400, body: { error: `${err.message}${detail}` } };
}

// ---------------------------------------------------------------- Redis execution

const runSingle: Route = async (redis, body, base64) => {
  const command = parseCommand(body);
  const refused = refusal(command);
  if (refused) return { status: 400, body: { error: refused } };
  try {
    // Buffer variant: replies come back as raw bytes, so binary values round-trip exactly.
    const value = await redis.callBuffer(...command);
    return { status: 200, body: { result: encodeValue(value, base64) } };
  } catch (err) {
    return failure(err);
  }
};

const runPipeline: Route = async (redis, body, base64) => {
  const commands = parseCommandList(body);
  const refusals = commands.map(refusal);
  const pipeline = redis.pipeline();
  for (const [i, command] of commands.entries()) {
    if (!refusals[i]) pipeline.callBuffer(...command);
  }
  const results = pipeline.length > 0 ? ((await pipeline.exec()) ?? []) : [];
  // Redis unreachable for every command: one 500 is clearer than N identical errors.
  if (results.length > 0 && results.every(([err]) => err && !isRedisError(err))) {
    return { status: 500, body: { error: unavailable(results[0]?.[0]) } };
  }
  let next = 0;
  const replies = commands.map((_, i): Reply => {
    const refused = refusals[i];
    if (refused) return { error: refused };
    const [err, value] = results[next++] ?? [new Error("no reply"), null];
    return toReply(err, value, base64);
  });
  return { status: 200, body: replies };
};

const runMultiExec: Route = async (redis, body, base64) => {
  const commands = parseCommandList(body);
  const refused = commands.map(refusal).find((r) => r !== undefined);
  if (refused) return { status: 400, body: { error: refused } };
  // ioredis writes MULTI…EXEC in one socket write, so nothing else interleaves on the connection.
  const multi = redis.multi();
  for (const command of commands) multi.callBuffer(...command);
  try {
    const results = await multi.exec();
    if (!results) return { status: 500, body: { error: "ERR transaction aborted" } };
    return { status: 200, body: results.map(([err, value]) => toReply(err, value, base64)) };
  } catch (err) {
    return failure(err);
  }
};

const ROUTES: Record<string, Route> = {
  "/": runSingle,
  "/pipeline": runPipeline,
  "/multi-exec": runMultiExec,
};

function connectRedis(url: string, log: (line: string) => void): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false, // fail fast while Redis is down instead of queueing
    maxRetriesPerRequest: 0, // in-flight commands fail as soon as the connection drops
    autoResendUnfulfilledCommands: false, // never replay a write that may already have run
    retryStrategy: (times) => Math.min(times * 100, 1000), // reconnect forever, ≤ 1 s apart
    connectTimeout: 1000,
    commandTimeout: 5000, // a stalled Redis must not hang callers
  });
  let healthy = true;
  redis.on("error", (err: Error) => {
    if (healthy) log(`upstash gateway: redis error: ${err.message}`);
    healthy = false;
  });
  redis.on("ready", () => {
    if (!healthy) log("upstash gateway: redis connection ready");
    healthy = true;
  });
  return redis;
}

/** Resolves on the first connect outcome, so a down Redis does not block start-up. */
function firstConnectAttempt(redis: Redis): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, STARTUP_WAIT_MS);
    redis.once("ready", done);
    redis.once("error", done);
  });
}

// ---------------------------------------------------------------- HTTP

interface GatewayState {
  redis: Redis;
  redisUrl: string;
  log: (line: string) => void;
  /** Open subscription streams: a fault ends them (as if Redis had become unreachable). */
  subscriptions: Set<() => void>;
  commands: number;
  delivered: number;
  tokenHash: Buffer;
  fault: GatewayFault;
  slowMs: number;
  /** FaultOptions.only of the current fault ("" = every request). */
  only: string;
  /** Late answers left before the fault ends by itself (FaultOptions.times). */
  timesLeft: number;
  requests: number;
  timers: Set<NodeJS.Timeout>;
  faultControl: boolean;
  delayMs: number;
}

const FAULTS: readonly GatewayFault[] = [
  "none",
  "refuse",
  "hang",
  "slow",
  "late",
  "http500",
  "malformed",
];

function setFault(state: GatewayState, fault: GatewayFault, opts: FaultOptions = {}): void {
  state.fault = fault;
  state.slowMs = opts.slowMs ?? DEFAULT_SLOW_MS;
  state.only = opts.only ?? "";
  state.timesLeft = opts.times ?? Number.POSITIVE_INFINITY;
  if (fault === "none" || fault === "slow" || fault === "late" || opts.keepSubscriptions) return;
  for (const end of [...state.subscriptions]) end();
}

/** POST /__fault (faultControl only): sets the fault; answered whatever the current fault is. */
async function controlFault(state: GatewayState, req: IncomingMessage, res: ServerResponse) {
  if (!isAuthorized(req.headers.authorization, state.tokenHash)) {
    return sendJson(res, 401, { error: "Unauthorized" });
  }
  const body = (await readJson(req).catch(() => null)) as {
    fault?: unknown;
    slowMs?: unknown;
    keepSubscriptions?: unknown;
    only?: unknown;
    times?: unknown;
  } | null;
  const fault = FAULTS.find((f) => f === body?.fault);
  if (!fault) return sendJson(res, 400, { error: `ERR fault: one of ${FAULTS.join(", ")}` });
  setFault(state, fault, {
    ...(typeof body?.slowMs === "number" ? { slowMs: body.slowMs } : {}),
    ...(typeof body?.only === "string" ? { only: body.only } : {}),
    ...(typeof body?.times === "number" ? { times: body.times } : {}),
    keepSubscriptions: body?.keepSubscriptions === true,
  });
  sendJson(res, 200, { result: "OK" });
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Hashing first gives equal-length buffers, so the comparison is constant-time. */
function isAuthorized(header: string | undefined, tokenHash: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), tokenHash);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "ERR request body exceeds 1 MB");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "ERR request body is not valid JSON");
  }
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}

/** Returns true when the injected fault has fully handled (or swallowed) the request. */
async function applyFault(state: GatewayState, req: IncomingMessage, res: ServerResponse) {
  switch (state.fault) {
    case "refuse":
      req.socket.destroy();
      return true;
    case "hang":
      return true; // never answer; close() destroys the socket
    case "http500":
      sendJson(res, 500, { error: "ERR injected fault: http500" });
      return true;
    case "malformed":
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>injected fault: malformed</html>");
      return true;
    case "slow":
      // With `only`, the request is held up once its body is read (handleRequest).
      if (state.only === "") await sleep(state.slowMs, state.timers);
      return false;
    default:
      return false;
  }
}

async function handleRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", "http://gateway").pathname;
  if (state.faultControl && path === "/__fault" && req.method === "POST") {
    return controlFault(state, req, res);
  }
  state.requests++;
  if (state.delayMs > 0) await sleep(state.delayMs, state.timers);
  if (await applyFault(state, req, res)) return;
  const stream = /^\/(subscribe|psubscribe)\/(.+)$/.exec(path);
  const route = ROUTES[path];
  if (!route && !stream) return sendJson(res, 404, { error: `ERR unknown path: ${path}` });
  if (req.method !== "POST") {
    res.setHeader("Allow", "POST");
    return sendJson(res, 405, { error: `ERR method not allowed: ${req.method}` });
  }
  if (!isAuthorized(req.headers.authorization, state.tokenHash)) {
    return sendJson(res, 401, { error: "Unauthorized" });
  }
  if (stream) {
    const [, kind = "subscribe", target = ""] = stream;
    return subscribe(state, req, res, kind as "subscribe" | "psubscribe", target);
  }
  if (!route) return;
  const base64 = String(req.headers["upstash-encoding"]).toLowerCase() === "base64";
  try {
    const body = await readJson(req);
    state.commands += commandsIn(body);
    const matches = JSON.stringify(body).includes(state.only);
    if (state.fault === "slow" && state.only !== "" && matches) {
      if (--state.timesLeft <= 0) state.fault = "none";
      await sleep(state.slowMs, state.timers); // held up on the way, then run
    }
    const outcome = await route(state.redis, body, base64);
    if (state.fault === "late" && matches) {
      if (--state.timesLeft <= 0) state.fault = "none";
      await sleep(state.slowMs, state.timers);
    }
    sendJson(res, outcome.status, outcome.body);
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 413) res.setHeader("Connection", "close");
    sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
  }
}

// ---------------------------------------------------------------- pub/sub over SSE

/**
 * One subscription: its own Redis connection (a subscribed connection can do nothing else),
 * confirmed to the client only once Redis confirmed it, so that everything published after the
 * client read the confirmation reaches it. Never reconnects: a lost connection may have lost
 * messages, so the stream ends and the client subscribes again.
 */
async function subscribe(
  state: GatewayState,
  req: IncomingMessage,
  res: ServerResponse,
  kind: "subscribe" | "psubscribe",
  encoded: string,
): Promise<void> {
  let target: string;
  try {
    target = decodeURIComponent(encoded);
    await readJson(req); // the client sends [] (the channel travels in the path)
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 400;
    return sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
  }
  const redis = new Redis(state.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  let open = true;
  const end = () => {
    if (!open) return;
    open = false;
    state.subscriptions.delete(end);
    redis.disconnect();
    if (!res.headersSent) sendJson(res, 500, { error: "ERR Redis unavailable: subscription lost" });
    else res.end();
  };
  state.subscriptions.add(end);
  res.on("close", end);
  redis.on("error", () => end());
  redis.on("end", () => end());
  const write = (line: string) => {
    if (open) res.write(`data: ${line}\n\n`);
  };
  redis.on("message", (channel: string, message: string) => {
    state.delivered++;
    write(`message,${channel},${message}`);
  });
  redis.on("pmessage", (pattern: string, channel: string, message: string) => {
    state.delivered++;
    write(`pmessage,${pattern},${channel},${message}`);
  });
  try {
    await redis.connect();
    state.commands++;
    const count =
      kind === "subscribe" ? await redis.subscribe(target) : await redis.psubscribe(target);
    if (!open) return;
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
    });
    write(`${kind},${target},${count}`);
  } catch (err) {
    if (!open) return;
    open = false;
    state.subscriptions.delete(end);
    redis.disconnect();
    sendJson(res, 500, { error: unavailable(err) });
  }
}

/** Sockets the kernel may queue before the server accepts them (a burst of 1 000 fits). */
const LISTEN_BACKLOG = 4_096;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeGateway(server: Server, state: GatewayState): Promise<void> {
  for (const end of [...state.subscriptions]) end();
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections(); // also ends hung and idle keep-alive sockets
  state.redis.disconnect();
  await closed;
}

export async function startUpstashGateway(opts: UpstashGatewayOptions): Promise<UpstashGateway> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? (() => {});
  const redis = connectRedis(opts.redisUrl, log);
  await firstConnectAttempt(redis);
  const state: GatewayState = {
    redis,
    redisUrl: opts.redisUrl,
    log,
    subscriptions: new Set(),
    commands: 0,
    delivered: 0,
    tokenHash: sha256(opts.token),
    fault: "none",
    slowMs: DEFAULT_SLOW_MS,
    only: "",
    timesLeft: Number.POSITIVE_INFINITY,
    requests: 0,
    timers: new Set(),
    faultControl: opts.faultControl ?? false,
    delayMs: opts.delayMs ?? 0,
  };
  const server = createServer((req, res) => {
    handleRequest(state, req, res).catch((err: unknown) => {
      log(`upstash gateway: request failed: ${String(err)}`);
      res.destroy();
    });
  });
  // Benchmarks reuse sockets; undici honours the hint. Longer than any client's own idle timeout,
  // so a client never reuses a socket the server is closing ("Network connection lost").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  let port: number;
  try {
    port = await listen(server, opts.port, host);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return {
    url: `http://${host}:${port}`,
    port,
    setFault: (fault, faultOpts) => setFault(state, fault, faultOpts),
    requestCount: () => state.requests,
    commandCount: () => ({ commands: state.commands, delivered: state.delivered }),
    close: () => closeGateway(server, state),
  };
}

async function main(): Promise<void> {
  const token = process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) {
    console.error("upstash gateway: UPSTASH_REDIS_REST_TOKEN is required (the clients' token)");
    process.exit(1);
  }
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const port = Number(process.env.UPSTASH_GATEWAY_PORT ?? 8079);
  const gateway = await startUpstashGateway({ port, redisUrl, token, log: console.error });
  console.log(`upstash gateway listening on ${gateway.url} -> ${redisUrl}`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error("upstash gateway: failed to start:", err);
    process.exit(1);
  });
}
