import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { uniqueId } from "../../test/stack/stack-env.ts";
import { migrate, readMigrations, splitStatements } from "./migrate.ts";

const database = `ae_migrate_${uniqueId("")}`;
const url = `mysql://root@127.0.0.1:3306/${database}`;
const quiet = () => {};

afterAll(async () => {
  const conn = await mysql.createConnection({ uri: "mysql://root@127.0.0.1:3306/" });
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.end();
});

describe("splitStatements", () => {
  it("splits on a semicolon at the end of a line and drops comment lines", () => {
    const sql = "-- header\nCREATE TABLE a (\n  x INT -- inline\n);\n\nINSERT INTO a VALUES (1);\n";
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (\n  x INT -- inline\n)",
      "INSERT INTO a VALUES (1)",
    ]);
  });
});

describe("migrate", () => {
  it("applies the project's migrations once, and a second run applies nothing", async () => {
    const names = readMigrations().map((m) => m.name);
    expect(await migrate(url, quiet)).toEqual(names);
    expect(await migrate(url, quiet)).toEqual([]);
  });

  it("refuses to run when an applied migration was edited", async () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-"));
    const db = `${database}_edit`;
    const editUrl = `mysql://root@127.0.0.1:3306/${db}`;
    try {
      writeFileSync(join(dir, "0001_a.sql"), "CREATE TABLE a (x INT);\n");
      expect(await migrate(editUrl, quiet, dir)).toEqual(["0001_a"]);
      writeFileSync(join(dir, "0001_a.sql"), "CREATE TABLE a (x BIGINT);\n");
      await expect(migrate(editUrl, quiet, dir)).rejects.toThrow(
        "0001_a was changed after it was applied",
      );
    } finally {
      const conn = await mysql.createConnection({ uri: "mysql://root@127.0.0.1:3306/" });
      await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await conn.end();
    }
  });
});
