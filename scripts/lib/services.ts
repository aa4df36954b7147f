/**
 * Makes sure Redis and MySQL are listening, starting them from the system binaries (data under
 * the git-ignored .data/ folder) when they are not. Only loopback servers are ever started; a
 * remote URL that does not answer is an error. What this module starts, it stops; it never
 * touches a server it found already running.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";

export interface StartedService {
  name: string;
  stop(): Promise<void>;
}

export type Log = (line: string) => void;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True when something accepts TCP connections on host:port within timeoutMs. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ""), port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export async function waitUntilListening(
  host: string,
  port: number,
  what: string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(host, port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start listening on ${host}:${port} within ${timeoutMs} ms`);
}

/** The first of `names` found on PATH (or in /usr/sbin, where Debian puts mariadbd). */
export function findBinary(names: string[]): string | undefined {
  for (const name of names) {
    const found = spawnSync(
      "sh",
      ["-c", `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`],
      {
        encoding: "utf8",
      },
    );
    const path = found.stdout.trim().split("\n")[0];
    if (found.status === 0 && path) return path;
  }
  return undefined;
}

function spawnOwned(name: string, bin: string, args: string[], logFile: string): StartedService {
  const log = createWriteStream(logFile, { flags: "a" });
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return {
    name,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      }),
  };
}

/** Ensures Redis answers at redisUrl; returns the server it started, or null if one was running. */
export async function ensureRedis(
  redisUrl: string,
  dataDir: string,
  log: Log,
): Promise<StartedService | null> {
  const url = new URL(redisUrl);
  const host = url.hostname;
  const port = Number(url.port || 6379);
  if (await isListening(host, port)) return null;
  if (!LOOPBACK.has(host)) throw new Error(`Redis at ${host}:${port} is not reachable`);
  const bin = findBinary(["redis-server"]);
  if (!bin) {
    throw new Error(
      "redis-server is not installed: install it with `apt-get install redis-server` (or set REDIS_URL to a running Redis)",
    );
  }
  const dir = join(dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  log(`starting redis-server on ${host}:${port} (no persistence)`);
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ];
  const service = spawnOwned("redis", bin, args, join(dataDir, "redis.log"));
  await waitUntilListening(host, port, "redis-server", 10_000);
  return service;
}

/** Ensures MySQL answers at mysqlUrl; returns the server it started, or null if one was running. */
export async function ensureMysql(
  mysqlUrl: string,
  dataDir: string,
  log: Log,
): Promise<StartedService | null> {
  const url = new URL(mysqlUrl);
  const host = url.hostname;
  const port = Number(url.port || 3306);
  if (await isListening(host, port)) return null;
  if (!LOOPBACK.has(host)) throw new Error(`MySQL at ${host}:${port} is not reachable`);
  const server = findBinary(["mariadbd", "mysqld"]);
  if (!server) {
    throw new Error(
      "No MySQL server binary (mariadbd or mysqld): install it with `apt-get install mariadb-server` (or set MYSQL_URL to a running server)",
    );
  }
  const dir = join(dataDir, "mysql");
  if (!existsSync(join(dir, "mysql"))) initializeMysqlDataDir(server, dir, dataDir, log);
  log(`starting ${server} on ${host}:${port} with data in ${dir}`);
  const args = [
    "--no-defaults",
    `--datadir=${dir}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--socket=${join(dataDir, `mysqld-${port}.sock`)}`,
    "--user=root",
    `--log-error=${join(dataDir, "mysql.err")}`,
  ];
  const service = spawnOwned("mysql", server, args, join(dataDir, "mysql.log"));
  await waitUntilListening(host, port, "MySQL", 30_000);
  return service;
}

/** Creates a fresh data directory whose root user has an empty password (local use only). */
function initializeMysqlDataDir(server: string, dir: string, dataDir: string, log: Log): void {
  mkdirSync(dataDir, { recursive: true });
  log(`initializing a MySQL data directory in ${dir}`);
  const installDb = findBinary(["mariadb-install-db", "mysql_install_db"]);
  const result = installDb
    ? spawnSync(
        installDb,
        [
          "--no-defaults",
          `--datadir=${dir}`,
          "--user=root",
          "--auth-root-authentication-method=normal",
          "--skip-test-db",
        ],
        { encoding: "utf8" },
      )
    : spawnSync(
        server,
        ["--no-defaults", "--initialize-insecure", `--datadir=${dir}`, "--user=root"],
        { encoding: "utf8" },
      );
  if (result.status !== 0) {
    throw new Error(`could not initialize ${dir}: ${result.stderr || result.stdout}`);
  }
}
