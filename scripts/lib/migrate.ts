/**
 * The migration runner: applies migrations/NNNN_name.sql in order, records each in
 * `schema_migrations` with a checksum, and is safe to run twice (and concurrently: it holds a
 * named lock on its own connection). An applied migration whose file changed is an error, not a
 * silent re-run. It talks to MySQL directly (mysql2), as an operator tool, not through the API.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";
import mysql from "mysql2/promise";
import type { Log } from "./services.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), "utf8");
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ""),
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
      };
    });
}

/** Splits a migration into statements: `;` at the end of a line ends one; `--` lines are comments. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of sql.split("\n")) {
    if (/^\s*--/.test(line) || (line.trim() === "" && current.length === 0)) continue;
    current.push(line);
    if (/;\s*$/.test(line)) {
      statements.push(current.join("\n").replace(/;\s*$/, "").trim());
      current = [];
    }
  }
  if (current.join("").trim() !== "") statements.push(current.join("\n").trim());
  return statements;
}

/** The database name in a mysql:// URL, checked to be a plain identifier. */
export function databaseName(mysqlUrl: string): string {
  const name = decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
    throw new Error(`MYSQL_URL must name a database (got "${name}")`);
  return name;
}

function serverUrl(mysqlUrl: string): string {
  const url = new URL(mysqlUrl);
  url.pathname = "/";
  return url.toString();
}

/** Creates the database when missing, then applies pending migrations. Returns the names applied. */
export async function migrate(mysqlUrl: string, log: Log, dir = MIGRATIONS_DIR): Promise<string[]> {
  const database = databaseName(mysqlUrl);
  const server = await mysql.createConnection({ uri: serverUrl(mysqlUrl) });
  await server.query(
    `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await server.end();

  const conn = await mysql.createConnection({ uri: mysqlUrl, timezone: "Z" });
  try {
    await conn.query("SET time_zone = '+00:00'");
    const [lock] = await conn.query("SELECT GET_LOCK(?, 60) AS got", [`migrate:${database}`]);
    if (Number((lock as { got: unknown }[])[0]?.got) !== 1)
      throw new Error("could not take the migration lock");
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INT UNSIGNED NOT NULL PRIMARY KEY,
         name VARCHAR(200) NOT NULL,
         checksum CHAR(64) NOT NULL,
         applied_at DATETIME(3) NOT NULL
       )`,
    );
    return await applyPending(conn, readMigrations(dir), log);
  } finally {
    await conn.end();
  }
}

async function applyPending(
  conn: mysql.Connection,
  migrations: Migration[],
  log: Log,
): Promise<string[]> {
  const [rows] = await conn.query("SELECT version, checksum FROM schema_migrations");
  const applied = new Map(
    (rows as { version: number; checksum: string }[]).map((r) => [Number(r.version), r.checksum]),
  );
  const done: string[] = [];
  for (const migration of migrations) {
    const checksum = applied.get(migration.version);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new Error(
          `${migration.name} was changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    // MySQL commits DDL implicitly, so a migration is not atomic: keep each one small, and the
    // runner records it only after every statement succeeded.
    for (const statement of splitStatements(migration.sql)) await conn.query(statement);
    await conn.query(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
      [migration.version, migration.name, migration.checksum],
    );
    log(`applied migration ${migration.name}`);
    done.push(migration.name);
  }
  return done;
}
