// Integration tests: the REAL @upstash/redis client (and raw fetch for the wire format) against
// the gateway in front of the real local Redis, db 2. No mocks anywhere.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { errors, Redis, type RedisConfigNodejs } from "@upstash/redis";
import { Redis as CloudflareRedis } from "@upstash/redis/cloudflare";
import { Redis as IORedis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startUpstashGateway, type UpstashGateway } from "./upstash-gateway.ts";

const REDIS_URL = "redis://127.0.0.1:6379/2";
const token = randomBytes(16).toString("hex");
let gateway: UpstashGateway;
let direct: IORedis; // a plain Redis connection to check what really got stored
let prefix: string;

const key = (name: string) => `${prefix}:${name}`;
const b64 = (text: string) => Buffer.from(text).toString("base64");
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

function client(extra: Partial<RedisConfigNodejs> = {}): Redis {
  return new Redis({ url: gateway.url, token, retry: false, enableTelemetry: false, ...extra });
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** POST /subscribe/<channel> as the wire sees it (the SSE response, unread). */
function subscribeRaw(channel: string, signal?: AbortSignal, bearer = token): Promise<Response> {
  return fetch(`${gateway.url}/subscribe/${channel}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, Accept: "text/event-stream" },
    body: "[]",
    ...(signal ? { signal } : {}),
  });
}

/** Free port found by binding to 0; nothing listens there afterwards. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** TCP proxy to the real Redis that can be frozen (swallows requests) and stopped: outages we
 * control without touching the shared Redis. */
async function startRedisProxy(port: number) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((inbound) => {
    const upstream = tcpConnect(6379, "127.0.0.1");
    for (const s of [inbound, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        inbound.destroy();
        upstream.destroy();
      });
    }
    inbound.on("data", (chunk) => frozen || upstream.write(chunk));
    upstream.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

beforeAll(async () => {
  gateway = await startUpstashGateway({ port: 0, redisUrl: REDIS_URL, token });
  direct = new IORedis(REDIS_URL);
});

afterAll(async () => {
  const keys = await direct.keys("gwtest:*");
  if (keys.length > 0) await direct.del(...keys);
  direct.disconnect();
  await gateway.close();
});

beforeEach(() => {
  prefix = `gwtest:${randomUUID()}`;
});

describe("the real @upstash/redis client through the gateway", () => {
  it("round-trips strings with automatic deserialization on and off", async () => {
    const redis = client();
    const raw = client({ automaticDeserialization: false });
    expect(await redis.set(key("n"), "123456")).toBe("OK");
    expect(await redis.set(key("ok"), "OK")).toBe("OK");
    expect(await redis.set(key("s"), "hello")).toBe("OK");
    expect(await redis.get(key("n"))).toBe(123456); // JSON-parsed by the client
    expect(await redis.get(key("ok"))).toBe("OK");
    expect(await redis.get(key("s"))).toBe("hello");
    expect(await raw.get(key("n"))).toBe("123456");
    expect(await raw.get(key("ok"))).toBe("OK");
    expect(await direct.get(key("n"))).toBe("123456");
  });

  it("returns nil as null and integers as JSON numbers", async () => {
    const redis = client({ automaticDeserialization: false });
    expect(await redis.get(key("missing"))).toBeNull();
    expect(await redis.hget(key("missing"), "f")).toBeNull();
    expect(await redis.incr(key("i"))).toBe(1);
    expect(await redis.incrby(key("i"), 41)).toBe(42);
    expect(await redis.get(key("i"))).toBe("42");
    expect(await redis.exists(key("i"), key("missing"))).toBe(1);
    expect(await redis.del(key("i"), key("missing"))).toBe(1);
  });

  it("returns arrays: MGET with a missing key, HGETALL, ZRANGE WITHSCORES", async () => {
    const redis = client();
    const raw = client({ automaticDeserialization: false });
    await redis.mset({ [key("a")]: "x", [key("b")]: "7" });
    expect(await raw.mget(key("a"), key("missing"), key("b"))).toEqual(["x", null, "7"]);
    expect(await redis.mget(key("a"), key("missing"), key("b"))).toEqual(["x", null, 7]);
    expect(await redis.hset(key("h"), { f1: "v1", f2: "2" })).toBe(2);
    expect(await redis.hgetall(key("h"))).toEqual({ f1: "v1", f2: 2 });
    // Without deserialization the client hands back the flat reply untouched.
    expect(await raw.hgetall(key("h"))).toEqual(["f1", "v1", "f2", "2"]);
    await redis.zadd(key("z"), { score: 1, member: "a" }, { score: 2.5, member: "b" });
    expect(await redis.zrange(key("z"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2.5]);
    expect(await raw.zrange(key("z"), 0, -1, { withScores: true })).toEqual(["a", "1", "b", "2.5"]);
  });

  it("keeps unicode and binary-ish strings byte-exact", async () => {
    const redis = client({ automaticDeserialization: false });
    const values = [
      "héllo wörld ✓ 🚀 日本語",
      'line1\nline2\t"quoted" \\ back',
      "\u0000\u0001\u007f nul and controls",
      "",
      "T0s=", // looks like base64 already
      `${"x".repeat(200_000)}é`,
    ];
    for (const [i, value] of values.entries()) {
      expect(await redis.set(key(`u${i}`), value)).toBe("OK");
      expect(await redis.get(key(`u${i}`))).toBe(value);
      expect((await direct.getBuffer(key(`u${i}`)))?.equals(Buffer.from(value))).toBe(true);
    }
    // Bytes that are not UTF-8 reach the wire exactly, as base64.
    await direct.set(key("bin"), Buffer.from([0xff, 0x00, 0xfe, 0x80]));
    const wire = await post("/", ["GET", key("bin")], { "Upstash-Encoding": "base64" });
    expect(wire).toEqual({ status: 200, body: { result: "/wD+gA==" } });
  });

  it("auto-pipelines 200 concurrent calls into one HTTP request", async () => {
    const redis = client();
    const before = gateway.requestCount();
    const results = await Promise.all(Array.from({ length: 200 }, () => redis.incr(key("c"))));
    expect(gateway.requestCount() - before).toBe(1);
    expect([...results].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(await direct.get(key("c"))).toBe("200");
  });

  it("runs an explicit pipeline where one failing command does not fail the others", async () => {
    const redis = client({ automaticDeserialization: false });
    const notInt = "ERR value is not an integer or out of range";
    const kept = await redis.pipeline().set(key("p"), "x").incr(key("p")).get(key("p"));
    expect(await kept.exec({ keepErrors: true })).toEqual([
      { error: undefined, result: "OK" },
      { error: notInt, result: undefined },
      { error: undefined, result: "x" },
    ]);
    const failing = redis.pipeline().set(key("q"), "y").incr(key("q"));
    await expect(failing.exec()).rejects.toThrow(`Command 2 [ incr ] failed: ${notInt}`);
    expect(await direct.get(key("q"))).toBe("y"); // not atomic: the SET still ran
  });

  it("runs multi() atomically, also under concurrent writers", async () => {
    const redis = client();
    const writer = client();
    const k = key("m");
    const multis = Array.from({ length: 20 }, () =>
      redis.multi().set(k, "0").incr(k).incr(k).get(k).exec(),
    );
    const writes = Array.from({ length: 50 }, () => writer.set(k, "100"));
    const [results] = await Promise.all([Promise.all(multis), Promise.all(writes)]);
    for (const result of results) expect(result).toEqual(["OK", 1, 2, 2]);
    // A runtime error inside MULTI fails only its own command, as in Redis.
    const mixed = await redis.multi().set(k, "a").incr(k).get(k).exec({ keepErrors: true });
    expect(mixed.map((r) => r.error ?? r.result)).toEqual([
      "OK",
      "ERR value is not an integer or out of range",
      "a",
    ]);
  });

  it("aborts a transaction with a queue-time error and applies nothing", async () => {
    const res = await post("/multi-exec", [["SET", key("t"), "1"], ["INCR"]]);
    expect(res).toEqual({
      status: 400,
      body: {
        error:
          "EXECABORT Transaction discarded because of previous errors. " +
          "(ERR wrong number of arguments for 'incr' command)",
      },
    });
    expect(await direct.exists(key("t"))).toBe(0);
  });

  it("evaluates Lua with eval and evalsha", async () => {
    const redis = client({ automaticDeserialization: false });
    const src = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1, redis.status_reply('FINE')}";
    expect(await redis.eval(src, [key("k")], ["v", "41"])).toEqual([key("k"), "v", 42, "FINE"]);
    const sha = await redis.scriptLoad("return ARGV[1] .. KEYS[1]");
    expect(sha).toBe(sha1("return ARGV[1] .. KEYS[1]"));
    expect(await redis.evalsha(sha, [key("e")], ["hi:"])).toBe(`hi:${key("e")}`);
  });

  it("createScript().exec falls back from NOSCRIPT to EVAL", async () => {
    // A script text unique to this test is guaranteed absent from the script cache, like after
    // SCRIPT FLUSH, without flushing scripts that parallel suites on this Redis rely on.
    const src = `-- ${prefix}\nreturn ARGV[1] .. KEYS[1]`;
    const redis = client({ automaticDeserialization: false });
    expect(await redis.scriptExists(sha1(src))).toEqual([0]);
    await expect(redis.evalsha(sha1(src), [], [])).rejects.toThrow(
      "Command failed: NOSCRIPT No matching script. Please use EVAL.",
    );
    const script = redis.createScript<string>(src);
    const before = gateway.requestCount();
    expect(await script.exec([key("s")], ["hi:"])).toBe(`hi:${key("s")}`);
    expect(gateway.requestCount() - before).toBe(2); // EVALSHA (NOSCRIPT), then EVAL
    expect(await redis.scriptExists(sha1(src))).toEqual([1]);
    expect(await script.exec([key("s")], ["again:"])).toBe(`again:${key("s")}`);
  });

  it("passes Lua error text through unchanged", async () => {
    const redis = client();
    await redis.hset(key("h"), { f: "v" });
    const incr = "return redis.call('INCR', KEYS[1])";
    await expect(redis.eval(incr, [key("h")], [])).rejects.toThrow(
      "Command failed: WRONGTYPE Operation against a key holding the wrong kind of value " +
        `script: ${sha1(incr)}, on @user_script:1.`,
    );
    const custom = "return redis.error_reply('SLOT_TAKEN slot 09:00 is held')";
    await expect(redis.eval(custom, [], [])).rejects.toThrow(
      "Command failed: SLOT_TAKEN slot 09:00 is held",
    );
    expect(await post("/", ["EVAL", custom, "0"])).toEqual({
      status: 400,
      body: { error: "SLOT_TAKEN slot 09:00 is held" },
    });
  });

  it("works with the Cloudflare build of the client and honours the db index", async () => {
    const cf = new CloudflareRedis({
      url: gateway.url,
      token,
      retry: false,
      enableTelemetry: false,
    });
    expect(await cf.set(key("cf"), "from-workers")).toBe("OK");
    expect(await cf.get(key("cf"))).toBe("from-workers");
    expect(await direct.get(key("cf"))).toBe("from-workers"); // direct is on db 2
    const db0 = new IORedis("redis://127.0.0.1:6379/0");
    expect(await db0.get(key("cf"))).toBeNull();
    db0.disconnect();
  });

  it("rejects a wrong token with 401, through the client and on the wire", async () => {
    const wrong = new Redis({
      url: gateway.url,
      token: "wrong",
      retry: false,
      enableTelemetry: false,
    });
    await expect(wrong.get(key("x"))).rejects.toThrow(
      `Unauthorized, command was: [["get","${key("x")}"]]`,
    );
    for (const auth of [undefined, `Bearer ${token}x`, `Basic ${token}`, "Bearer "]) {
      const res = await fetch(gateway.url, {
        method: "POST",
        headers: auth ? { Authorization: auth } : {},
        body: JSON.stringify(["PING"]),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Unauthorized" });
    }
  });
});

describe("wire format (raw fetch)", () => {
  const base64 = { "Upstash-Encoding": "base64" };

  it("base64-encodes every string at any depth, status replies included", async () => {
    const body = [
      ["SET", key("a"), "v"],
      ["MGET", key("a"), key("missing")],
      ["INCR", key("n")],
      ["EVAL", "return {1, 'OK', {2, 'x'}, redis.status_reply('QUEUED-ish')}", "0"],
    ];
    expect(await post("/pipeline", body, base64)).toEqual({
      status: 200,
      body: [
        { result: b64("OK") },
        { result: [b64("v"), null] },
        { result: 1 },
        { result: [1, b64("OK"), [2, b64("x")], b64("QUEUED-ish")] },
      ],
    });
    expect(await post("/", ["SET", key("a"), "w"], base64)).toEqual({
      status: 200,
      body: { result: "T0s=" },
    });
  });

  it("returns plain strings without the Upstash-Encoding header", async () => {
    await direct.hset(key("h"), "f1", "v1", "f2", "é");
    expect(await post("/", ["hgetall", key("h")])).toEqual({
      status: 200,
      body: { result: ["f1", "v1", "f2", "é"] },
    });
    expect(
      await post("/multi-exec", [
        ["SET", key("m"), "1"],
        ["INCR", key("m")],
      ]),
    ).toEqual({
      status: 200,
      body: [{ result: "OK" }, { result: 2 }],
    });
  });

  it("answers a failed command at / with 400 and the Redis text", async () => {
    await direct.set(key("s"), "text");
    expect(await post("/", ["INCR", key("s")])).toEqual({
      status: 400,
      body: { error: "ERR value is not an integer or out of range" },
    });
  });

  it("stringifies JSON numbers and booleans and accepts mixed-case names", async () => {
    expect(await post("/", ["sEtEx", key("n"), 100, 5])).toEqual({
      status: 200,
      body: { result: "OK" },
    });
    expect(await post("/", ["TTL", key("n")])).toEqual({ status: 200, body: { result: 100 } });
    expect(await post("/", ["gEt", key("n")])).toEqual({ status: 200, body: { result: "5" } });
    await post("/", ["SET", key("b"), true]);
    expect(await direct.get(key("b"))).toBe("true");
  });

  it("refuses connection-state and blocking commands like Upstash does", async () => {
    expect(await post("/", ["select", "1"])).toEqual({
      status: 400,
      body: { error: "ERR Command is not allowed: select" },
    });
    expect(await post("/pipeline", [["BLPOP", key("l"), "1"], ["PING"]])).toEqual({
      status: 200,
      body: [{ error: "ERR Command is not allowed: blpop" }, { result: "PONG" }],
    });
    expect(await post("/multi-exec", [["PING"], ["CLIENT", "LIST"]])).toEqual({
      status: 400,
      body: { error: "ERR Command is not allowed: client" },
    });
  });

  it("answers 404, 405, 400 and 413 for bad paths, methods, bodies and sizes", async () => {
    expect(await post("/nope", ["PING"])).toEqual({
      status: 404,
      body: { error: "ERR unknown path: /nope" },
    });
    const get = await fetch(gateway.url, { headers: { Authorization: `Bearer ${token}` } });
    expect([get.status, get.headers.get("allow"), await get.json()]).toEqual([
      405,
      "POST",
      { error: "ERR method not allowed: GET" },
    ]);
    expect(await post("/", "not json")).toEqual({
      status: 400,
      body: { error: "ERR request body is not valid JSON" },
    });
    expect(await post("/pipeline", { set: 1 })).toEqual({
      status: 400,
      body: { error: "ERR body must be a non-empty JSON array of commands" },
    });
    expect(await post("/", [{ nested: true }])).toEqual({
      status: 400,
      body: { error: 'ERR unsupported argument type: {"nested":true}' },
    });
    expect(await post("/", ["SET", key("big"), "x".repeat(1024 * 1024)])).toEqual({
      status: 413,
      body: { error: "ERR request body exceeds 1 MB" },
    });
  });
});

describe("fault injection", () => {
  afterEach(() => gateway.setFault("none"));

  it("refuse: the socket is destroyed without a response", async () => {
    gateway.setFault("refuse");
    await expect(post("/", ["PING"])).rejects.toThrow("fetch failed");
    await expect(client().get(key("x"))).rejects.toThrow("fetch failed");
    gateway.setFault("none");
    expect(await client().set(key("x"), "back")).toBe("OK");
  });

  it("hang: a client with a 200 ms timeout signal rejects within a second", async () => {
    gateway.setFault("hang");
    const redis = client({ signal: () => AbortSignal.timeout(200) });
    const started = Date.now();
    await expect(redis.get(key("x"))).rejects.toMatchObject({ name: "TimeoutError" });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
  });

  it("http500: a JSON error with status 500", async () => {
    gateway.setFault("http500");
    expect(await post("/", ["PING"])).toEqual({
      status: 500,
      body: { error: "ERR injected fault: http500" },
    });
    await expect(client().get(key("x"))).rejects.toThrow(
      `ERR injected fault: http500, command was: [["get","${key("x")}"]]`,
    );
  });

  it("malformed: status 200 with a body that is not JSON", async () => {
    gateway.setFault("malformed");
    const err = await client()
      .get(key("x"))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.UpstashJSONParseError);
    expect((err as Error).message).toBe(
      "Unable to parse response body: <html>injected fault: malformed</html>",
    );
  });

  it("slow: answers correctly after slowMs", async () => {
    await direct.set(key("x"), "slow-value");
    gateway.setFault("slow", { slowMs: 300 });
    const started = Date.now();
    expect(await client().get(key("x"))).toBe("slow-value");
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe("distance (delayMs)", () => {
  let far: UpstashGateway;
  beforeAll(async () => {
    far = await startUpstashGateway({ port: 0, redisUrl: REDIS_URL, token, delayMs: 250 });
  });
  afterAll(async () => {
    far.setFault("none");
    await far.close();
  });

  it("answers every request correctly, after the delay; a fault comes after it too", async () => {
    const redis = new Redis({ url: far.url, token, retry: false, enableTelemetry: false });
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      expect(await redis.set(key(`far${i}`), "v")).toBe("OK");
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(240);
      expect(elapsed).toBeLessThan(1500);
    }
    far.setFault("refuse");
    const started = Date.now();
    await expect(redis.get(key("far0"))).rejects.toThrow("fetch failed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe("Redis outages", () => {
  it("answers promptly with an error when nothing listens at the Redis URL", async () => {
    const port = await freePort();
    const started = Date.now();
    const down = await startUpstashGateway({
      port: 0,
      redisUrl: `redis://127.0.0.1:${port}`,
      token,
    });
    try {
      const error =
        "ERR Redis unavailable: Stream isn't writeable and enableOfflineQueue options is false";
      const res = await fetch(down.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(["GET", "k"]),
      });
      expect([res.status, await res.json()]).toEqual([500, { error }]);
      const redis = new Redis({ url: down.url, token, retry: false, enableTelemetry: false });
      await expect(redis.get("k")).rejects.toThrow(`${error}, command was: [["get","k"]]`);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await down.close();
    }
  });

  it("fails fast while Redis is away and reconnects by itself when it returns", async () => {
    const proxy = await startRedisProxy(0);
    const gw = await startUpstashGateway({
      port: 0,
      redisUrl: `redis://127.0.0.1:${proxy.port}/2`,
      token,
    });
    const call = async (command: unknown[]) => {
      const res = await fetch(gw.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(command),
      });
      return {
        status: res.status,
        body: (await res.json()) as { result?: unknown; error?: string },
      };
    };
    try {
      expect(await call(["SET", key("r"), "before"])).toEqual({
        status: 200,
        body: { result: "OK" },
      });
      // A command in flight when the connection drops fails at once; it is never replayed.
      proxy.freeze();
      const inFlight = call(["SET", key("r"), "lost"]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stoppedAt = Date.now();
      await proxy.stop();
      const dropped = await inFlight;
      expect(Date.now() - stoppedAt).toBeLessThan(1000);
      expect(dropped.status).toBe(500);
      expect(dropped.body.error).toMatch(/^ERR Redis unavailable: /);
      // While Redis is away, new commands fail fast too.
      const started = Date.now();
      const outage = await call(["GET", key("r")]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(outage).toEqual({
        status: 500,
        body: {
          error:
            "ERR Redis unavailable: Stream isn't writeable and enableOfflineQueue options is false",
        },
      });
      const restarted = await startRedisProxy(proxy.port);
      let answer = outage;
      for (let i = 0; i < 40 && answer.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await call(["GET", key("r")]);
      }
      expect(answer).toEqual({ status: 200, body: { result: "before" } });
      await restarted.stop();
    } finally {
      await gw.close();
    }
  });
});

describe("pub/sub over Server-Sent Events (POST /subscribe/<channel>, /psubscribe/<pattern>)", () => {
  afterEach(() => gateway.setFault("none"));

  /** Subscribers of `channel` as Redis counts them, once it reaches `expected` (or after 3 s). */
  async function subscribersOf(channel: string, expected: number): Promise<number> {
    let count = -1;
    for (let i = 0; i < 60; i++) {
      const [, n] = (await direct.pubsub("NUMSUB", channel)) as [string, number];
      count = Number(n);
      if (count === expected) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return count;
  }

  /** Resolves with the first `n` values `on(type)` delivers. */
  function collect<T>(on: (listener: (value: T) => void) => void, n: number): Promise<T[]> {
    const seen: T[] = [];
    return new Promise((resolve) =>
      on((value) => {
        seen.push(value);
        if (seen.length === n) resolve(seen);
      }),
    );
  }

  it("the real client's subscribe gets the confirmation, then every message in order, byte-exact", async () => {
    const channel = key("ch@2026-12-07");
    const subscriber = client({ automaticDeserialization: false }).subscribe<string>([channel]);
    const confirmed = collect<number>((l) => subscriber.on("subscribe", l), 1);
    const messages = collect<{ channel: string; message: string }>(
      (l) => subscriber.on("message", l),
      3,
    );
    expect(await confirmed).toEqual([1]);
    expect(await subscribersOf(channel, 1)).toBe(1);
    const texts = ["+h:k:0|1|2|60|9|tag", "a,b;c|ünï", '{"json":true}'];
    for (const text of texts) expect(await direct.publish(channel, text)).toBe(1);
    expect(await messages).toEqual(texts.map((message) => ({ channel, message })));
    await subscriber.unsubscribe();
    expect(await subscribersOf(channel, 0)).toBe(0);
  });

  it("psubscribe delivers pmessage with the pattern and the channel", async () => {
    const pattern = `${key("p")}@*`;
    const subscriber = client({ automaticDeserialization: false }).psubscribe<string>([pattern]);
    const confirmed = collect<number>((l) => subscriber.on("psubscribe", l), 1);
    const messages = collect<{ pattern: string; channel: string; message: string }>(
      (l) => subscriber.on("pmessage", l),
      1,
    );
    expect(await confirmed).toEqual([1]);
    await direct.publish(`${key("p")}@2026-12-08`, "hello");
    expect(await messages).toEqual([
      { pattern, channel: `${key("p")}@2026-12-08`, message: "hello" },
    ]);
    await subscriber.unsubscribe();
  });

  it("frames events as the client reads them, and refuses a wrong token with 401", async () => {
    const channel = key("wire");
    const controller = new AbortController();
    const res = await subscribeRaw(channel, controller.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toBe(`data: subscribe,${channel},1\n\n`);
    await direct.publish(channel, "x,y");
    text = decoder.decode((await reader.read()).value);
    expect(text).toBe(`data: message,${channel},x,y\n\n`);
    controller.abort();
    const refused = await subscribeRaw(channel, undefined, "wrong");
    expect(refused.status).toBe(401);
  });

  it("a client that disconnects leaves no subscription behind (PUBSUB NUMSUB back to 0)", async () => {
    const channel = key("gone");
    const subscribers = Array.from({ length: 5 }, () =>
      client({ automaticDeserialization: false }).subscribe<string>([channel]),
    );
    await Promise.all(subscribers.map((s) => collect<number>((l) => s.on("subscribe", l), 1)));
    expect(await subscribersOf(channel, 5)).toBe(5);
    // A raw client that drops its socket without unsubscribing.
    const dropped = new AbortController();
    const raw = await subscribeRaw(channel, dropped.signal);
    await (raw.body as ReadableStream<Uint8Array>).getReader().read();
    expect(await subscribersOf(channel, 6)).toBe(6);
    dropped.abort();
    expect(await subscribersOf(channel, 5)).toBe(5);
    await Promise.all(subscribers.map((s) => s.unsubscribe()));
    expect(await subscribersOf(channel, 0)).toBe(0);
  });

  it("a fault ends open subscriptions, as an unreachable Redis would, and new ones fail until it clears", async () => {
    const channel = key("fault");
    const controller = new AbortController();
    const res = await subscribeRaw(channel, controller.signal);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    expect(await subscribersOf(channel, 1)).toBe(1);
    gateway.setFault("http500");
    expect((await reader.read()).done).toBe(true);
    expect(await subscribersOf(channel, 0)).toBe(0);
    const refused = await subscribeRaw(channel);
    expect(refused.status).toBe(500);
    await refused.arrayBuffer();
  });

  it("keepSubscriptions: a fault leaves open subscriptions delivering, while new requests fail", async () => {
    const channel = key("kept");
    const res = await subscribeRaw(channel);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    gateway.setFault("refuse", { keepSubscriptions: true });
    try {
      await expect(post("/", ["PING"])).rejects.toThrow("fetch failed");
      await direct.publish(channel, "still here");
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toBe(`data: message,${channel},still here\n\n`);
    } finally {
      gateway.setFault("none");
      await reader.cancel();
    }
  });
});

describe("fault control over HTTP (POST /__fault, for the workerd tier)", () => {
  let controlled: UpstashGateway;
  const control = (body: unknown, auth = `Bearer ${token}`) =>
    fetch(`${controlled.url}/__fault`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    controlled = await startUpstashGateway({
      port: 0,
      redisUrl: REDIS_URL,
      token,
      faultControl: true,
    });
  });
  afterAll(() => controlled.close());

  it("sets and clears a fault with the token; refuses a wrong token and an unknown fault", async () => {
    const redis = new Redis({ url: controlled.url, token, retry: false, enableTelemetry: false });
    expect((await control({ fault: "http500" })).status).toBe(200);
    await expect(redis.get(key("c"))).rejects.toThrow("ERR injected fault: http500");
    expect((await control({ fault: "none" }, "Bearer wrong")).status).toBe(401);
    expect((await control({ fault: "melt" })).status).toBe(400);
    await expect(redis.get(key("c"))).rejects.toThrow("ERR injected fault: http500");
    expect((await control({ fault: "none" })).status).toBe(200);
    expect(await redis.set(key("c"), "back")).toBe("OK");
  });

  it("is not served by a gateway started without faultControl", async () => {
    const res = await post("/__fault", { fault: "refuse" });
    expect(res).toEqual({ status: 404, body: { error: "ERR unknown path: /__fault" } });
  });
});
