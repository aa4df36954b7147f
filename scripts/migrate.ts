/**
 * Applies pending migrations to MYSQL_URL (default mysql://root@127.0.0.1:3306/appointease).
 * For PlanetScale, point MYSQL_URL at the branch's MySQL endpoint with TLS, e.g.
 * mysql://USER:PASSWORD@HOST/DB?ssl={"rejectUnauthorized":true}
 */
import { migrate } from "./lib/migrate.ts";

const mysqlUrl = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/appointease";
const applied = await migrate(mysqlUrl, (line) => console.log(line));
console.log(
  applied.length === 0 ? "migrations: up to date" : `migrations: applied ${applied.length}`,
);
