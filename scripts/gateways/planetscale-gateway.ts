/**
 * Local PlanetScale HTTP gateway: serves the psdb.v1alpha1 JSON API that @planetscale/database
 * calls (`/Execute`, `/CreateSession`) and runs the statements on a real MySQL/MariaDB via mysql2,
 * so the unmodified driver can be exercised locally. Wire shapes and the MySQL→Vitess translation
 * live in planetscale-types.ts.
 *
 * Why ~500 lines: the server's stateful parts (MySQL pools, per-session transaction pinning, the
 * psdb handlers, HTTP with fault injection, CLI entry) share one private Context and are only
 * meaningful together; each is its own section below, with short functions.
 *
 * Run: PLANETSCALE_PASSWORD=secret npx tsx scripts/gateways/planetscale-gateway.ts
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { createPool, type Pool, type PoolConnection } from "mysql2/promise";
import {
  type ClaimedSession,
  type ColumnMeta,
  type ExecuteResponse,
  encodeSession,
  newSessionId,
  readSession,
  toRpcError,
  toVitessResult,
  VitessError,
  type VitessResult,
} from "./planetscale-types.ts";

export type GatewayFault = "none" | "refuse" | "hang" | "slow" | "http500";

export interface PlanetscaleGatewayOptions {
  port: number;
  host?: string;
  mysqlUrl: string;
  username: string;
  password: string;
  sessionIdleMs?: number;
  poolSize?: number;
  /**
   * How long a statement may wait for a pooled connection before the gateway answers as a busy
   * PlanetScale does: HTTP 429 `resource_exhausted` (nothing ran). Default 30 000 ms (tests
   * queue 200 transactions on a pool of 10 on a loaded machine); `npm run dev` and the bench use
   * 2 000 ms, below the worker's 5 s SQL timeout, so a burst sees the 429 and not a timeout.
   */
  poolWaitMs?: number;
  log?: (line: string) => void;
}

export interface PlanetscaleGateway {
  url: string;
  port: number;
  setFault(fault: GatewayFault, opts?: { slowMs?: number }): void;
  /** Statements executed since start (for round-trip/statement budget tests). */
  statementCount(): number;
  openSessions(): number;
  close(): Promise<void>;
}

const EXECUTE_PATH = "/psdb.v1alpha1.Database/Execute";
const CREATE_SESSION_PATH = "/psdb.v1alpha1.Database/CreateSession";
const BODY_LIMIT = 1024 * 1024;
// PlanetScale runs in UTC with MySQL 8's default (strict) sql_mode.
const SESSION_SETUP =
  "SET time_zone = '+00:00', sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES," +
  "NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

const isFatal = (err: unknown) => (err as { fatal?: unknown } | null)?.fatal === true;

/** Sockets the kernel may queue before the server accepts them (a burst of 1 000 fits). */
export const LISTEN_BACKLOG = 4_096;
/** Idle keep-alive sockets stay open longer than any client's own idle timeout (no reuse race). */
export const KEEP_ALIVE_MS = 65_000;

/** The pool was busy for longer than the bound: answered 429, as a busy PlanetScale would. */
export class PoolBusyError extends Error {
  constructor(waitedMs: number) {
    super(`resource exhausted: no connection free within ${waitedMs} ms; retry later`);
    this.name = "PoolBusyError";
  }
}

// ---------------------------------------------------------------------------------------------
// MySQL side

type Disposal = "release" | "rollback" | "destroy";

type PoolName = "statements" | "transactions";

/**
 * Two mysql2 pools of `poolSize` each, all connections carrying PlanetScale's session settings.
 * Pinned transactions get their own pool so they can never starve session-less statements: an
 * app that runs `client.execute()` inside `transaction()` would otherwise deadlock under load
 * (every connection pinned, each pin waiting for a free one), which PlanetScale never does.
 */
class MysqlBackend {
  statements = 0;
  readonly database: string;
  readonly #pools: Record<PoolName, Pool>;
  readonly #ready = new WeakSet<object>();

  constructor(
    mysqlUrl: string,
    poolSize: number,
    private readonly poolWaitMs = 30_000,
  ) {
    const url = new URL(mysqlUrl);
    this.database = decodeURIComponent(url.pathname.replace(/^\//, ""));
    const config = {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: this.database || undefined,
      charset: "UTF8MB4_UNICODE_CI",
      connectionLimit: poolSize,
      connectTimeout: 3_000, // a dead host fails requests in seconds, not minutes
      supportBigNumbers: true,
      bigNumberStrings: true, // exact insertId beyond 2^53
      // Text protocol + raw bytes: values reach the driver exactly as MySQL printed them.
      typeCast: (field: { buffer(): Buffer | null }) => field.buffer(),
    };
    this.#pools = { statements: createPool(config), transactions: createPool(config) };
  }

  /**
   * Pool checkout, waiting at most `poolWaitMs` (mysql2 alone would queue forever); a connection
   * runs SESSION_SETUP once, before its first statement.
   */
  async acquire(pool: PoolName): Promise<PoolConnection> {
    const conn = await this.#checkout(pool);
    if (this.#ready.has(conn.connection)) return conn;
    try {
      await conn.query(SESSION_SETUP);
    } catch (err) {
      conn.destroy();
      throw err;
    }
    this.#ready.add(conn.connection);
    return conn;
  }

  #checkout(pool: PoolName): Promise<PoolConnection> {
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new PoolBusyError(this.poolWaitMs));
      }, this.poolWaitMs);
      this.#pools[pool].getConnection().then(
        (conn) => {
          clearTimeout(timer);
          // Answered busy already: the connection goes straight back to the pool.
          if (late) conn.release();
          else resolve(conn);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  async execute(conn: PoolConnection, sql: string): Promise<VitessResult> {
    this.statements++;
    const [result, fields] = await conn.query({ sql, rowsAsArray: true });
    return toVitessResult(result, fields as unknown as ColumnMeta[] | undefined);
  }

  async runPooled(sql: string): Promise<VitessResult> {
    const conn = await this.acquire("statements");
    try {
      const result = await this.execute(conn, sql);
      conn.release();
      return result;
    } catch (err) {
      await this.dispose(conn, isFatal(err) ? "destroy" : "release");
      throw err;
    }
  }

  /** Returns a connection to the pool, never with an open transaction. */
  async dispose(conn: PoolConnection, how: Disposal): Promise<void> {
    if (how === "release") return conn.release();
    if (how === "destroy") return conn.destroy();
    try {
      await conn.query("ROLLBACK");
      conn.release();
    } catch {
      conn.destroy();
    }
  }

  async end(): Promise<void> {
    // A statement stuck in MySQL must not keep close() waiting forever.
    const ended = Object.values(this.#pools).map((pool) => pool.end().catch(() => undefined));
    await Promise.race([Promise.all(ended), sleep(2_000)]);
  }
}

// ---------------------------------------------------------------------------------------------
// Transaction sessions

type StatementKind = "begin" | "commit" | "rollback" | "other";

const LEADING_COMMENTS = /^(?:\s+|\/\*(?!!)[\s\S]*?\*\/|(?:#|--\s)[^\n]*(?:\n|$))*/;

/** Only BEGIN / START TRANSACTION pin a session, as the driver's `transaction()` sends them. */
export function statementKind(sql: string): StatementKind {
  const text = sql.replace(LEADING_COMMENTS, "");
  if (/^(?:begin|start\s+transaction)\b/i.test(text)) return "begin";
  const end = /^(commit|rollback)(?:\s+work)?\b(.*)$/is.exec(text);
  // ROLLBACK TO SAVEPOINT and COMMIT AND CHAIN keep the transaction open.
  if (!end || /^\s*(?:to|and\s+chain)\b/i.test(end[2] ?? "")) return "other";
  return end[1]?.toLowerCase() === "commit" ? "commit" : "rollback";
}

interface Pin {
  conn: PoolConnection;
  /** Per-session queue: each statement starts after the previous one settled. */
  tail: Promise<unknown>;
  pending: number;
  idleTimer?: NodeJS.Timeout;
}

/** Session id → dedicated connection, from BEGIN until COMMIT/ROLLBACK or idle reclaim. */
class SessionPins {
  readonly #pins = new Map<string, Pin>();
  /** Why recent sessions ended, for clearer errors (bounded). */
  readonly #ended = new Map<string, string>();

  constructor(
    private readonly backend: MysqlBackend,
    private readonly idleMs: number,
    private readonly log: (line: string) => void,
  ) {}

  get size(): number {
    return this.#pins.size;
  }

  has(id: string): boolean {
    return this.#pins.has(id);
  }

  async begin(sql: string): Promise<{ id: string; result: VitessResult }> {
    const conn = await this.backend.acquire("transactions");
    let result: VitessResult;
    try {
      result = await this.backend.execute(conn, sql);
    } catch (err) {
      await this.backend.dispose(conn, isFatal(err) ? "destroy" : "rollback");
      throw err;
    }
    const id = newSessionId();
    const pin: Pin = { conn, tail: Promise.resolve(), pending: 0 };
    this.#pins.set(id, pin);
    this.#armIdle(id, pin);
    return { id, result };
  }

  /** Queues `sql` on the session's connection (callers check `has(id)` first). */
  run(id: string, sql: string, kind: StatementKind): Promise<VitessResult> {
    const pin = this.#pins.get(id) as Pin;
    pin.pending++;
    clearTimeout(pin.idleTimer);
    const task = pin.tail.then(() => this.#runQueued(id, pin, sql, kind));
    pin.tail = task.catch(() => undefined);
    return task;
  }

  async #runQueued(id: string, pin: Pin, sql: string, kind: StatementKind): Promise<VitessResult> {
    const ends = kind === "commit" || kind === "rollback";
    try {
      // An earlier statement in the queue may have ended the session (COMMIT, lost connection).
      if (this.#pins.get(id) !== pin) return this.afterSessionEnded(id, kind);
      const result = await this.backend.execute(pin.conn, sql);
      if (ends) void this.#end(id, pin, "release", "committed or rolled back");
      return result;
    } catch (err) {
      if (isFatal(err)) void this.#end(id, pin, "destroy", "its MySQL connection was lost");
      else if (ends) void this.#end(id, pin, "rollback", `${kind.toUpperCase()} failed`);
      throw err;
    } finally {
      pin.pending--;
      this.#armIdle(id, pin);
    }
  }

  /**
   * A statement for a transaction whose connection is gone must fail: running it elsewhere would
   * silently leave the transaction. ROLLBACK alone succeeds, since the work is already undone.
   */
  afterSessionEnded(id: string, kind: StatementKind): VitessResult {
    if (kind === "rollback") return { rowsAffected: "0", insertId: "0" };
    const why = this.#ended.get(id) ?? "not found (unknown session, or the gateway restarted)";
    throw new VitessError("ABORTED", `transaction ${id}: ended: ${why}`);
  }

  #armIdle(id: string, pin: Pin): void {
    if (pin.pending > 0 || this.#pins.get(id) !== pin) return;
    pin.idleTimer = setTimeout(() => {
      this.log(`planetscale gateway: session ${id} idle for ${this.idleMs} ms, rolled back`);
      void this.#end(id, pin, "rollback", `idle for more than ${this.idleMs} ms; rolled back`);
    }, this.idleMs);
    pin.idleTimer.unref();
  }

  /** Unpins synchronously (so nothing new reaches the connection), then cleans it up. */
  async #end(id: string, pin: Pin, how: Disposal, reason: string): Promise<void> {
    if (this.#pins.get(id) !== pin) return;
    this.#pins.delete(id);
    clearTimeout(pin.idleTimer);
    this.#ended.set(id, reason);
    if (this.#ended.size > 1_000) this.#ended.delete(this.#ended.keys().next().value as string);
    await this.backend.dispose(pin.conn, how);
  }

  async closeAll(): Promise<void> {
    const pins = [...this.#pins];
    await Promise.all(pins.map(([id, pin]) => this.#end(id, pin, "rollback", "gateway closed")));
  }
}

// ---------------------------------------------------------------------------------------------
// psdb API

interface Context {
  backend: MysqlBackend;
  pins: SessionPins;
  username: string;
  password: string;
  target: string;
  fault: { kind: GatewayFault; slowMs: number };
  closed: boolean;
  log: (line: string) => void;
}

async function dispatch(
  ctx: Context,
  query: string,
  claimed: ClaimedSession | null,
): Promise<{ id: string; result: VitessResult }> {
  const kind = statementKind(query);
  if (claimed && ctx.pins.has(claimed.id)) {
    return { id: claimed.id, result: await ctx.pins.run(claimed.id, query, kind) };
  }
  if (claimed?.inTransaction) {
    return { id: claimed.id, result: ctx.pins.afterSessionEnded(claimed.id, kind) };
  }
  if (kind === "begin") return ctx.pins.begin(query);
  return { id: claimed?.id ?? newSessionId(), result: await ctx.backend.runPooled(query) };
}

/** SQL errors are HTTP 200 with `{error}`, as on PlanetScale: the driver throws DatabaseError. */
async function execute(ctx: Context, body: unknown): Promise<ExecuteResponse> {
  const started = performance.now();
  const { query, session } = (body ?? {}) as { query?: unknown; session?: unknown };
  if (typeof query !== "string" || query.trim() === "") {
    throw new HttpError(400, "INVALID_ARGUMENT", "`query` must be a non-empty string");
  }
  const claimed = readSession(session);
  const timing = () => (performance.now() - started) / 1000;
  try {
    const { id, result } = await dispatch(ctx, query, claimed);
    return { session: encodeSession(id, ctx.pins.has(id), ctx.target), result, timing: timing() };
  } catch (err) {
    if (err instanceof PoolBusyError) throw new HttpError(429, "resource_exhausted", err.message);
    const id = claimed?.id ?? newSessionId();
    // A failed statement never takes the client out of its transaction: only ROLLBACK does.
    const inTransaction = ctx.pins.has(id) || claimed?.inTransaction === true;
    return {
      session: encodeSession(id, inTransaction, ctx.target),
      error: toRpcError(err, ctx.target, ctx.username),
      timing: timing(),
    };
  }
}

function createSession(ctx: Context) {
  return {
    branch: ctx.target,
    user: { username: ctx.username, psid: "local-gateway", role: "admin" },
    session: encodeSession(newSessionId(), false, ctx.target),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(json);
}

/** Drains the whole body even past the limit, so the client reliably reads our 413. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on("error", reject);
    req.on("end", () => {
      if (size > BODY_LIMIT) {
        return reject(new HttpError(413, "RESOURCE_EXHAUSTED", `body exceeds ${BODY_LIMIT} bytes`));
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      } catch {
        reject(new HttpError(400, "INVALID_ARGUMENT", "body is not valid JSON"));
      }
    });
  });
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The driver reads credentials from `new URL(url)`, which keeps them percent-encoded. */
function credentialMatches(given: string, expected: string): boolean {
  let decoded = given;
  try {
    decoded = decodeURIComponent(given);
  } catch {}
  const want = digest(expected);
  return timingSafeEqual(digest(given), want) || timingSafeEqual(digest(decoded), want);
}

function authorized(ctx: Context, header: string | undefined): boolean {
  const token = /^Basic\s+(\S+)$/i.exec(header ?? "")?.[1];
  const decoded = Buffer.from(token ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (!token || colon < 0) return false;
  const userOk = credentialMatches(decoded.slice(0, colon), ctx.username);
  return credentialMatches(decoded.slice(colon + 1), ctx.password) && userOk;
}

/** Faults act before anything else, like an outage in front of the database. */
async function applyFault(ctx: Context, req: IncomingMessage, res: ServerResponse) {
  const { kind, slowMs } = ctx.fault;
  if (kind === "refuse") req.socket.destroy();
  if (kind === "http500") res.writeHead(500, { "content-type": "text/plain" }).end("outage\n");
  if (kind === "slow") await sleep(slowMs);
  // "hang": no answer at all; close() destroys the socket.
  return kind === "none" || (kind === "slow" && !ctx.closed);
}

async function route(ctx: Context, req: IncomingMessage): Promise<unknown> {
  const path = new URL(req.url ?? "/", "http://gateway").pathname;
  if (path !== EXECUTE_PATH && path !== CREATE_SESSION_PATH) {
    throw new HttpError(404, "NOT_FOUND", `no such method: ${path}`);
  }
  if (req.method !== "POST") throw new HttpError(405, "UNIMPLEMENTED", "use POST");
  if (!authorized(ctx, req.headers.authorization)) {
    throw new HttpError(401, "UNAUTHENTICATED", "invalid username or password");
  }
  const body = await readJson(req);
  return path === EXECUTE_PATH ? execute(ctx, body) : createSession(ctx);
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!(await applyFault(ctx, req, res))) return;
  try {
    sendJson(res, 200, await route(ctx, req));
  } catch (err) {
    if (!(err instanceof HttpError)) ctx.log(`planetscale gateway: internal error: ${err}`);
    const status = err instanceof HttpError ? err.status : 500;
    const code = err instanceof HttpError ? err.code : "INTERNAL";
    const headers: Record<string, string> = status === 405 ? { allow: "POST" } : {};
    sendJson(res, status, { error: { code, message: (err as Error).message } }, headers);
  }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

export async function startPlanetscaleGateway(
  opts: PlanetscaleGatewayOptions,
): Promise<PlanetscaleGateway> {
  const log = opts.log ?? (() => {});
  const backend = new MysqlBackend(opts.mysqlUrl, opts.poolSize ?? 10, opts.poolWaitMs);
  const ctx: Context = {
    backend,
    pins: new SessionPins(backend, opts.sessionIdleMs ?? 30_000, log),
    username: opts.username,
    password: opts.password,
    target: backend.database || "default",
    fault: { kind: "none", slowMs: 1_000 },
    closed: false,
    log,
  };
  const server = createServer((req, res) => void handle(ctx, req, res));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: opts.port, host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const auth = `${encodeURIComponent(opts.username)}:${encodeURIComponent(opts.password)}`;
  let closing: Promise<void> | undefined;

  const close = async () => {
    ctx.closed = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // includes hung requests
    await ctx.pins.closeAll();
    await backend.end();
    await stopped;
  };

  return {
    url: `http://${auth}@${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${port}`,
    port,
    setFault(fault, faultOpts) {
      ctx.fault = { kind: fault, slowMs: faultOpts?.slowMs ?? ctx.fault.slowMs };
    },
    statementCount: () => backend.statements,
    openSessions: () => ctx.pins.size,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

function redactedUrl(raw: string): string {
  const url = new URL(raw);
  url.password = "";
  return url.toString();
}

async function main(): Promise<void> {
  const env = process.env;
  const password = env.PLANETSCALE_PASSWORD ?? "";
  if (password === "") {
    console.error("PLANETSCALE_PASSWORD must be set to a non-empty value");
    process.exit(1);
  }
  const mysqlUrl = env.MYSQL_URL || "mysql://root@127.0.0.1:3306/appointease";
  const gateway = await startPlanetscaleGateway({
    port: Number(env.PLANETSCALE_GATEWAY_PORT || 3900),
    mysqlUrl,
    username: env.PLANETSCALE_USERNAME || "local",
    password,
    log: (line) => console.log(line),
  });
  console.log(
    `planetscale gateway listening on http://127.0.0.1:${gateway.port} -> ${redactedUrl(mysqlUrl)}`,
  );
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
