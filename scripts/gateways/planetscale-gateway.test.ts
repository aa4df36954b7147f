// Integration tests: the REAL @planetscale/database driver (and raw fetch for the HTTP edges)
// against the gateway in front of the real local MariaDB, database ps_gateway_test. No mocks.
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, type Config, connect, DatabaseError } from "@planetscale/database";
import { createConnection, type Connection as MysqlConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PlanetscaleGateway, startPlanetscaleGateway } from "./planetscale-gateway.ts";

const DB = "ps_gateway_test";
const MYSQL_URL = `mysql://root@127.0.0.1:3306/${DB}`;
const USER = "tester";
const PASSWORD = "s3cret/p@ss"; // needs percent-encoding in the URL
const TARGET = `target: ${DB}.-.primary: vttablet: rpc error: code =`;

let admin: MysqlConnection; // direct MariaDB connection to check what really got stored
let gateway: PlanetscaleGateway;
let client: Client;
const extraGateways: PlanetscaleGateway[] = [];

async function startExtra(overrides: {
  mysqlUrl?: string;
  sessionIdleMs?: number;
  poolSize?: number;
  poolWaitMs?: number;
}) {
  const extra = await startPlanetscaleGateway({
    port: 0,
    mysqlUrl: MYSQL_URL,
    username: USER,
    password: PASSWORD,
    ...overrides,
  });
  extraGateways.push(extra);
  return extra;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<DatabaseError> {
  try {
    await promise;
  } catch (err) {
    return err as DatabaseError;
  }
  throw new Error("expected a rejection");
}

/** Raw HTTP against the gateway; fetch refuses URLs with credentials, so they go in a header. */
async function raw(path: string, init: RequestInit = {}, auth = `${USER}:${PASSWORD}`) {
  const res = await fetch(`http://127.0.0.1:${gateway.port}${path}`, {
    method: "POST",
    ...init,
    headers: { authorization: `Basic ${btoa(auth)}`, "content-type": "application/json" },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

const EXECUTE = "/psdb.v1alpha1.Database/Execute";

beforeAll(async () => {
  admin = await createConnection({ host: "127.0.0.1", user: "root", multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB};
    CREATE TABLE all_types (
      id INT AUTO_INCREMENT PRIMARY KEY, i INT, ui INT UNSIGNED, bi BIGINT, ti TINYINT,
      dec_v DECIMAL(10,2), vc VARCHAR(50), tx TEXT, ch CHAR(3), bin BINARY(16), vb VARBINARY(8),
      dt DATETIME(3), d DATE, t TIME, e ENUM('pending','confirmed'), j JSON, dbl DOUBLE);
    CREATE TABLE notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE counters (id INT AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL) AUTO_INCREMENT = 1000;
    CREATE TABLE slots (id VARCHAR(20) PRIMARY KEY, holder VARCHAR(20), version INT NOT NULL);
    CREATE TABLE uniq (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(40) NOT NULL UNIQUE, worker INT);
    INSERT INTO slots VALUES ('s1', NULL, 1);`);
  gateway = await startPlanetscaleGateway({
    port: 0,
    mysqlUrl: MYSQL_URL,
    username: USER,
    password: PASSWORD,
  });
  client = new Client({ url: gateway.url });
});

afterAll(async () => {
  await Promise.all([gateway, ...extraGateways].map((g) => g?.close()));
  await admin?.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin?.end();
});

describe("queries", () => {
  it("answers SELECT 1 (MariaDB types the literal INT32; MySQL 8 says INT64)", async () => {
    const result = await client.execute("SELECT 1");
    expect(result.rows).toEqual([{ 1: 1 }]);
    expect(result.types).toEqual({ 1: "INT32" });
    expect(result.rowsAffected).toBe(0);
    expect(result.insertId).toBe("0");
    expect(gateway.url).toBe(`http://tester:s3cret%2Fp%40ss@127.0.0.1:${gateway.port}`);
  });

  it("round-trips every column type, NULLs included, with Vitess type names", async () => {
    const bin = Uint8Array.from([0, 255, 39, 92, 34, 10, 13, 26, 1, 2, 3, 4, 5, 6, 7, 128]);
    const vb = Uint8Array.from([0, 39, 92, 255]);
    await client.execute(
      `INSERT INTO all_types (id, i, ui, bi, ti, dec_v, vc, tx, ch, bin, vb, dt, d, t, e, j, dbl)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        ...[-2147483648, 4294967295, 9007199254740993n, -128, "12345678.90", "héllo"],
        ...["long ✓ text", "abc", bin, vb, "2025-03-04 05:06:07.089", "2025-03-04", "-01:02:03"],
        ...["confirmed", '{"a":[1,"x"],"b":null}', 0.1],
      ],
    );
    await client.execute("INSERT INTO all_types (id) VALUES (2)");
    const result = await client.execute("SELECT * FROM all_types ORDER BY id");
    expect(result.types).toEqual({
      ...{ id: "INT32", i: "INT32", ui: "UINT32", bi: "INT64", ti: "INT8", dec_v: "DECIMAL" },
      ...{ vc: "VARCHAR", tx: "TEXT", ch: "CHAR", bin: "BINARY", vb: "VARBINARY" },
      ...{ dt: "DATETIME", d: "DATE", t: "TIME", e: "ENUM", j: "TEXT", dbl: "FLOAT64" },
    });
    expect(result.rows).toEqual([
      {
        ...{ id: 1, i: -2147483648, ui: 4294967295, bi: "9007199254740993", ti: -128 },
        ...{ dec_v: "12345678.90", vc: "héllo", tx: "long ✓ text", ch: "abc", bin, vb },
        ...{ dt: "2025-03-04 05:06:07.089", d: "2025-03-04", t: "-01:02:03", e: "confirmed" },
        ...{ j: '{"a":[1,"x"],"b":null}', dbl: 0.1 }, // MariaDB JSON is LONGTEXT: a string
      },
      {
        ...{ id: 2, i: null, ui: null, bi: null, ti: null, dec_v: null, vc: null, tx: null },
        ...{ ch: null, bin: null, vb: null, dt: null, d: null, t: null, e: null, j: null },
        dbl: null,
      },
    ]);
    const binField = result.fields.find((f) => f.name === "bin");
    expect(binField).toEqual({
      ...{ name: "bin", type: "BINARY", table: "all_types", orgTable: "all_types" },
      ...{ database: DB, orgName: "bin", columnLength: 16, charset: 63, flags: 128 },
    });
  });

  it("stores tricky strings verbatim through ? and :name placeholders", async () => {
    const tricky = [
      `O'Brien said "hi" \\ back\\slash`,
      "'; DROP TABLE notes; --",
      "\\'; SELECT 1; -- \\",
      "line1\nline2\r\n\ttab\0nul\x1aend",
      "日本語 🎉 ñ é",
      "%_ wildcard ? :name `tick`",
      "",
    ];
    const ids: string[] = [];
    for (const body of tricky) {
      ids.push((await client.execute("INSERT INTO notes (body) VALUES (?)", [body])).insertId);
    }
    const back = await Promise.all(
      ids.map((id) => client.execute("SELECT body FROM notes WHERE id = :id", { id })),
    );
    expect(back.map((r) => r.rows[0]?.body)).toEqual(tricky);
    const [stored] = await admin.query(`SELECT body FROM ${DB}.notes ORDER BY id`);
    expect((stored as Array<{ body: string }>).map((r) => r.body)).toEqual(tricky);
  });

  it("reports rowsAffected and insertId (strings) for writes", async () => {
    const one = await client.execute("INSERT INTO counters (n) VALUES (?)", [1]);
    expect([one.rowsAffected, one.insertId, one.rows, one.fields]).toEqual([1, "1000", [], []]);
    const three = await client.execute("INSERT INTO counters (n) VALUES (1), (2), (3)");
    expect([three.rowsAffected, three.insertId]).toEqual([3, "1001"]);
    const changed = await client.execute("UPDATE counters SET n = 1 WHERE id >= 1000");
    expect(changed.rowsAffected).toBe(4); // matched rows (CLIENT_FOUND_ROWS), like PlanetScale
    const deleted = await client.execute("DELETE FROM counters WHERE n = :n", { n: 1 });
    expect([deleted.rowsAffected, deleted.insertId]).toEqual([4, "0"]);
  });

  it("turns a duplicate key into DatabaseError with errno 1062 and code ALREADY_EXISTS", async () => {
    await client.execute("INSERT INTO uniq (k) VALUES (?)", ["dup-1"]);
    const err = await failure(client.execute("INSERT INTO uniq (k) VALUES (?)", ["dup-1"]));
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.status).toBe(400);
    expect(err.body).toEqual({
      code: "ALREADY_EXISTS",
      message:
        `${TARGET} AlreadyExists desc = Duplicate entry 'dup-1' for key 'k' (errno 1062) ` +
        "(sqlstate 23000) (CallerID: tester)",
    });
    expect(err.message).toBe(err.body.message);
  });

  it("maps other SQL errors to Vitess codes", async () => {
    const missing = await failure(client.execute("SELECT * FROM nope"));
    expect(missing.body.code).toBe("NOT_FOUND");
    expect(missing.message).toContain("Table 'ps_gateway_test.nope' doesn't exist (errno 1146)");
    const strict = await failure(client.execute("INSERT INTO counters (n) VALUES ('x')"));
    expect(strict.body.code).toBe("INVALID_ARGUMENT");
    expect(strict.message).toContain("(errno 1366) (sqlstate 22007)"); // strict sql_mode is on
  });

  it("runs sessions in UTC with a strict sql_mode", async () => {
    const result = await client.execute("SELECT @@time_zone AS tz, @@sql_mode AS mode");
    expect(result.rows).toEqual([
      {
        tz: "+00:00",
        mode:
          "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE," +
          "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
      },
    ]);
  });

  it("serves 60 concurrent requests and counts statements", async () => {
    const before = gateway.statementCount();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, n) => client.execute("SELECT ? AS n", [n])),
    );
    expect(results.map((r) => r.rows[0]?.n)).toEqual(Array.from({ length: 60 }, (_, n) => n));
    expect(gateway.statementCount() - before).toBe(60);
  });
});

describe("transactions", () => {
  it("commits: BEGIN, statement and COMMIT on one pinned connection, visible after", async () => {
    const before = gateway.statementCount();
    const id = await client.transaction(async (tx) => {
      expect(gateway.openSessions()).toBe(1);
      return (await tx.execute("INSERT INTO notes (body) VALUES ('committed')")).insertId;
    });
    expect(gateway.statementCount() - before).toBe(3);
    expect(gateway.openSessions()).toBe(0);
    const seen = await client.execute("SELECT body FROM notes WHERE id = ?", [id]);
    expect(seen.rows).toEqual([{ body: "committed" }]);
  });

  it("rolls back when the callback throws", async () => {
    const err = await failure(
      client.transaction(async (tx) => {
        await tx.execute("INSERT INTO notes (body) VALUES ('rolled-back')");
        throw new Error("boom");
      }),
    );
    expect(err.message).toBe("boom");
    expect(gateway.openSessions()).toBe(0);
    const seen = await client.execute("SELECT COUNT(*) AS n FROM notes WHERE body = 'rolled-back'");
    expect(seen.rows).toEqual([{ n: "0" }]);
  });

  it("runs a session's statements one at a time on its own connection", async () => {
    const started = performance.now();
    const ids = await client.transaction(async (tx) => {
      const first = await tx.execute("SELECT CONNECTION_ID() AS c");
      const parallel = await Promise.all(
        [1, 2, 3, 4].map(() => tx.execute("SELECT SLEEP(0.1) AS s, CONNECTION_ID() AS c")),
      );
      return [first, ...parallel].map((r) => r.rows[0]?.c);
    });
    expect(new Set(ids).size).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400); // serialized, not parallel
  });

  it("keeps concurrent transactions apart: FOR UPDATE blocks the second until commit", async () => {
    const order: string[] = [];
    let aLocked!: () => void;
    const locked = new Promise<void>((resolve) => {
      aLocked = resolve;
    });
    const a = client.transaction(async (tx) => {
      await tx.execute("SELECT version FROM slots WHERE id = ? FOR UPDATE", ["s1"]);
      order.push("A locked");
      aLocked();
      await sleep(300);
      await tx.execute("UPDATE slots SET version = version + 1, holder = 'A' WHERE id = 's1'");
      order.push("A commits");
    });
    await locked;
    const b = client.transaction(async (tx) => {
      const row = await tx.execute("SELECT version, holder FROM slots WHERE id = ? FOR UPDATE", [
        "s1",
      ]);
      order.push("B locked");
      return row.rows[0];
    });
    const [, bRow] = await Promise.all([a, b]);
    expect(order).toEqual(["A locked", "A commits", "B locked"]);
    expect(bRow).toEqual({ version: 2, holder: "A" });
  });

  it("lets exactly one of 20 racing transactions insert the same key; 19 get 1062", async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, worker) =>
        client.transaction((tx) =>
          tx.execute("INSERT INTO uniq (k, worker) VALUES (?, ?)", ["race", worker]),
        ),
      ),
    );
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(failures).toHaveLength(19);
    for (const reason of failures) {
      expect(reason).toBeInstanceOf(DatabaseError);
      expect(reason.body.code).toBe("ALREADY_EXISTS");
      expect(reason.message).toContain("Duplicate entry 'race' for key 'k' (errno 1062)");
    }
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM ${DB}.uniq WHERE k = 'race'`);
    expect(rows).toEqual([{ n: 1 }]);
    expect(gateway.openSessions()).toBe(0);
  });

  it("never starves session-less statements issued from inside transactions", async () => {
    const small = await startExtra({ poolSize: 2 });
    const db = new Client({ url: small.url });
    const seen = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        db.transaction(async (tx) => {
          await tx.execute("SELECT ? AS n", [n]);
          return (await db.execute("SELECT ? AS outside", [n])).rows[0]?.outside;
        }),
      ),
    );
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(small.openSessions()).toBe(0);
  });

  it("reclaims idle sessions: rolled back, connection freed, later statements fail", async () => {
    const idle = await startExtra({ sessionIdleMs: 150, poolSize: 1 });
    const conn = connect({ url: idle.url });
    await conn.execute("BEGIN");
    await conn.execute("INSERT INTO notes (body) VALUES ('ghost')");
    expect(idle.openSessions()).toBe(1);
    await sleep(400);
    expect(idle.openSessions()).toBe(0);
    // poolSize 1: a new transaction only starts if the reclaimed connection went back.
    const other = await new Client({ url: idle.url }).transaction((tx) =>
      tx.execute("SELECT 2 AS two"),
    );
    expect(other.rows).toEqual([{ two: 2 }]);
    const id = (conn as unknown as { session: { vitessSession: { sessionUUID: string } } }).session
      .vitessSession.sessionUUID;
    const expected =
      `${TARGET} Aborted desc = transaction ${id}: ended: idle for more than 150 ms; ` +
      "rolled back (errno 1105) (sqlstate HY000) (CallerID: tester)";
    for (const sql of ["SELECT 1", "COMMIT"]) {
      const err = await failure(conn.execute(sql));
      expect(err.body).toEqual({ code: "ABORTED", message: expected });
    }
    await conn.execute("ROLLBACK"); // the only way out; the work is already undone
    expect((await conn.execute("SELECT 3 AS three")).rows).toEqual([{ three: 3 }]);
    const [ghost] = await admin.query(`SELECT id FROM ${DB}.notes WHERE body = 'ghost'`);
    expect(ghost).toEqual([]);
  });
});

describe("under a burst", () => {
  it("answers a statement that waited past the pool bound with 429 resource_exhausted, as a busy PlanetScale does, and recovers", async () => {
    const extra = await startExtra({ poolSize: 1, poolWaitMs: 200 });
    const busy = new Client({ url: extra.url });
    // The only session-less connection is busy for a second.
    const slow = busy.execute("SELECT SLEEP(1)");
    await sleep(50);
    const res = await fetch(`http://127.0.0.1:${extra.port}${EXECUTE}`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ query: "SELECT 1" }),
    });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "resource_exhausted",
    );
    await slow;
    expect((await busy.execute("SELECT 1")).rows).toHaveLength(1);
  });

  it("accepts 1 000 concurrent connections without dropping one", async () => {
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, () => client.execute("SELECT 1").then(() => "ok")),
    );
    expect(answers.filter((a) => a === "ok")).toHaveLength(1_000);
  }, 60_000);
});

describe("HTTP surface", () => {
  it("rejects wrong or missing credentials with 401", async () => {
    const wrong = new Client({ url: gateway.url.replace("s3cret", "wrong") });
    const err = await failure(wrong.execute("SELECT 1"));
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.status).toBe(401);
    expect(err.body).toEqual({ code: "UNAUTHENTICATED", message: "invalid username or password" });
    const missing = await fetch(`http://127.0.0.1:${gateway.port}${EXECUTE}`, {
      method: "POST",
      body: JSON.stringify({ query: "SELECT 1" }),
    });
    expect(missing.status).toBe(401);
  });

  it("answers CreateSession like PlanetScale", async () => {
    const res = await raw("/psdb.v1alpha1.Database/CreateSession", { body: "{}" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      branch: DB,
      user: { username: USER, psid: "local-gateway", role: "admin" },
      session: {
        vitessSession: {
          autocommit: true,
          sessionUUID: expect.stringMatching(/^[\w-]{22}$/),
          targetString: DB,
        },
      },
    });
    const conn = connect({ url: gateway.url });
    await conn.refresh();
    expect((await conn.execute("SELECT 4 AS four")).rows).toEqual([{ four: 4 }]);
  });

  it("returns 404, 405, 413 and 400 for bad requests", async () => {
    expect((await raw("/psdb.v1alpha1.Database/Nope", { body: "{}" })).status).toBe(404);
    const get = await raw(EXECUTE, { method: "GET" });
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const huge = JSON.stringify({ query: `SELECT '${"x".repeat(1024 * 1024)}'` });
    const tooBig = await raw(EXECUTE, { body: huge });
    expect([tooBig.status, tooBig.json.error.code]).toEqual([413, "RESOURCE_EXHAUSTED"]);
    expect((await raw(EXECUTE, { body: "{not json" })).status).toBe(400);
    expect((await raw(EXECUTE, { body: "{}" })).status).toBe(400);
  });

  it("simulates outages: refuse, hang, http500, slow", async () => {
    const faulty = await startExtra({});
    const withTimeout: Config["fetch"] = (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(200) });
    const db = new Client({ url: faulty.url, fetch: withTimeout });

    faulty.setFault("refuse");
    await expect(db.execute("SELECT 1")).rejects.toThrow("fetch failed");

    faulty.setFault("hang");
    let started = performance.now();
    const hung = await failure(db.execute("SELECT 1"));
    expect(hung.name).toBe("TimeoutError");
    expect(performance.now() - started).toBeLessThan(1_000);

    faulty.setFault("http500");
    const http500 = await failure(db.execute("SELECT 1"));
    expect([http500.name, http500.status, http500.message]).toEqual([
      "UnknownError",
      500,
      "Expected JSON response from database API, got HTTP 500 Internal Server Error",
    ]);

    faulty.setFault("slow", { slowMs: 120 });
    started = performance.now();
    expect((await db.execute("SELECT 5 AS five")).rows).toEqual([{ five: 5 }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);

    faulty.setFault("none");
    expect((await db.execute("SELECT 6 AS six")).rows).toEqual([{ six: 6 }]);
  });
});

/** TCP proxy to MariaDB that we can take down and bring back, without touching the shared DB. */
async function startMysqlProxy() {
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((inbound) => {
    if (!up) return void inbound.destroy();
    const upstream = tcpConnect(3306, "127.0.0.1");
    for (const s of [inbound, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        inbound.destroy();
        upstream.destroy();
      });
    }
    inbound.pipe(upstream).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    down() {
      up = false;
      for (const s of sockets) s.destroy();
    },
    up() {
      up = true;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("MySQL outages", () => {
  it("fails promptly with UNAVAILABLE when nothing listens", async () => {
    const down = await startExtra({ mysqlUrl: "mysql://root@127.0.0.1:3399/appointease" });
    const started = performance.now();
    const err = await failure(new Client({ url: down.url }).execute("SELECT 1"));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err.body).toEqual({
      code: "UNAVAILABLE",
      message:
        "target: appointease.-.primary: vttablet: rpc error: code = Unavailable desc = " +
        "connect ECONNREFUSED 127.0.0.1:3399 (errno 2003) (sqlstate HY000) (CallerID: tester)",
    });
  });

  it("recovers by itself, and never moves a broken transaction to another connection", async () => {
    const proxy = await startMysqlProxy();
    try {
      const flaky = await startExtra({ mysqlUrl: `mysql://root@127.0.0.1:${proxy.port}/${DB}` });
      const db = new Client({ url: flaky.url });
      const conn = connect({ url: flaky.url });
      await conn.execute("BEGIN");
      expect((await db.execute("SELECT 7 AS seven")).rows).toEqual([{ seven: 7 }]);

      proxy.down();
      await sleep(50);
      expect((await failure(db.execute("SELECT 1"))).body.code).toBe("UNAVAILABLE");
      expect((await failure(conn.execute("SELECT 1"))).body.code).toBe("UNAVAILABLE");
      expect(flaky.openSessions()).toBe(0);

      proxy.up();
      expect((await db.execute("SELECT 8 AS eight")).rows).toEqual([{ eight: 8 }]);
      const lost = await failure(conn.execute("SELECT 1"));
      expect(lost.body.code).toBe("ABORTED");
      expect(lost.message).toContain(": ended: its MySQL connection was lost (errno 1105)");
    } finally {
      proxy.down();
      await proxy.close();
    }
  });
});
