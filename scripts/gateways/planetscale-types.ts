/**
 * Wire shapes of the psdb.v1alpha1 JSON protocol spoken by @planetscale/database, and the
 * translation of MySQL results/errors into them. Used by planetscale-gateway.ts.
 *
 * The JSON is protobuf's canonical JSON (proto3): 64-bit integers are strings, zero values and
 * empty strings are omitted. The driver relies on a few of these details (see comments).
 */
import { randomBytes } from "node:crypto";

export interface VitessField {
  name: string;
  /** Omitted for NULL_TYPE (enum value 0, which proto3 JSON drops); the driver then says "NULL". */
  type?: string;
  table?: string;
  orgTable?: string;
  database?: string;
  orgName?: string;
  columnLength?: number;
  /** The driver decides "bytes vs text" solely by `charset === 63` (binary). */
  charset?: number;
  decimals?: number;
  flags?: number;
}

/** One row: byte length of each value as a string ("-1" = NULL), values concatenated. */
export interface VitessRow {
  lengths: string[];
  values: string;
}

export interface VitessResult {
  fields?: VitessField[];
  rows?: VitessRow[];
  rowsAffected?: string;
  insertId?: string;
}

export interface RpcError {
  code: string;
  message: string;
}

/** Opaque to the driver: it sends back whatever the previous response carried. */
export interface WireSession {
  vitessSession: {
    autocommit: true;
    inTransaction?: true;
    sessionUUID: string;
    targetString: string;
  };
}

export interface ExecuteResponse {
  session: WireSession;
  result?: VitessResult;
  error?: RpcError;
  /** Seconds, as a double. */
  timing: number;
}

/** The subset of mysql2's column metadata we translate. */
export interface ColumnMeta {
  name: string;
  orgName?: string;
  table?: string;
  orgTable?: string;
  schema?: string;
  columnType?: number;
  flags: number | string[];
  characterSet?: number;
  columnLength?: number;
  decimals: number;
}

// MySQL protocol column flags and the binary charset id.
const UNSIGNED_FLAG = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
export const BINARY_CHARSET = 63;
const STRING_TYPE = 254;

const INTEGER_TYPES: Record<number, string> = {
  1: "INT8",
  2: "INT16",
  9: "INT24",
  3: "INT32",
  8: "INT64",
};

const FIXED_TYPES: Record<number, string> = {
  0: "DECIMAL",
  246: "DECIMAL",
  4: "FLOAT32",
  5: "FLOAT64",
  6: "NULL_TYPE",
  7: "TIMESTAMP",
  17: "TIMESTAMP",
  10: "DATE",
  14: "DATE",
  11: "TIME",
  19: "TIME",
  12: "DATETIME",
  18: "DATETIME",
  13: "YEAR",
  16: "BIT",
  245: "JSON",
  247: "ENUM",
  248: "SET",
  255: "GEOMETRY",
};

/** [text, binary] names; which one applies depends on the column charset. */
const STRING_TYPES: Record<number, [string, string]> = {
  15: ["VARCHAR", "VARBINARY"],
  253: ["VARCHAR", "VARBINARY"],
  254: ["CHAR", "BINARY"],
  249: ["TEXT", "BLOB"],
  250: ["TEXT", "BLOB"],
  251: ["TEXT", "BLOB"],
  252: ["TEXT", "BLOB"],
};

/**
 * Vitess type name for a MySQL column. Binary-ness comes from the charset, not the BINARY flag:
 * MySQL/MariaDB also set that flag on `_bin` collations (and MariaDB on JSON), which are text.
 */
export function vitessType(columnType: number, flags: number, charset: number): string {
  const integer = INTEGER_TYPES[columnType];
  if (integer) return flags & UNSIGNED_FLAG ? `U${integer}` : integer;
  // ENUM and SET arrive as STRING with a flag.
  if (columnType === STRING_TYPE && flags & ENUM_FLAG) return "ENUM";
  if (columnType === STRING_TYPE && flags & SET_FLAG) return "SET";
  const fixed = FIXED_TYPES[columnType];
  if (fixed) return fixed;
  const names = STRING_TYPES[columnType];
  if (names) return charset === BINARY_CHARSET ? names[1] : names[0];
  return "VARBINARY"; // unknown (e.g. MariaDB VECTOR): hand the bytes over untouched
}

export function toVitessField(column: ColumnMeta): VitessField {
  const flags = typeof column.flags === "number" ? column.flags : 0;
  const charset = column.characterSet ?? BINARY_CHARSET;
  const type = vitessType(column.columnType ?? 253, flags, charset);
  const field: VitessField = { name: column.name };
  if (type !== "NULL_TYPE") field.type = type;
  if (column.table) field.table = column.table;
  if (column.orgTable) field.orgTable = column.orgTable;
  if (column.schema) field.database = column.schema;
  if (column.orgName) field.orgName = column.orgName;
  if (column.columnLength) field.columnLength = column.columnLength;
  field.charset = charset;
  if (column.decimals) field.decimals = column.decimals;
  if (flags) field.flags = flags;
  return field;
}

/** Values are the raw text-protocol bytes; the driver atob()s and slices them by byte length. */
export function encodeRow(values: ReadonlyArray<Buffer | null>): VitessRow {
  const lengths = values.map((value) => (value === null ? "-1" : String(value.length)));
  const present = values.filter((value): value is Buffer => value !== null);
  return { lengths, values: Buffer.concat(present).toString("base64") };
}

interface OkPacket {
  affectedRows?: number | string;
  insertId?: number | string;
}

/** mysql2 gives rows (arrays of raw buffers) plus fields for result sets, an OK packet otherwise. */
export function toVitessResult(result: unknown, fields: ColumnMeta[] | undefined): VitessResult {
  if (!Array.isArray(result)) {
    const ok = result as OkPacket;
    return { rowsAffected: String(ok.affectedRows ?? 0), insertId: String(ok.insertId ?? 0) };
  }
  const rows = result as Array<Array<Buffer | null>>;
  return { fields: (fields ?? []).map(toVitessField), rows: rows.map(encodeRow) };
}

// ---------------------------------------------------------------------------------------------
// Sessions

export interface ClaimedSession {
  id: string;
  inTransaction: boolean;
}

export function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}

export function encodeSession(id: string, inTransaction: boolean, target: string): WireSession {
  const vitessSession: WireSession["vitessSession"] = {
    autocommit: true,
    sessionUUID: id,
    targetString: target,
  };
  if (inTransaction) vitessSession.inTransaction = true;
  return { vitessSession };
}

/** Reads back a session we issued; anything else counts as "no session". */
export function readSession(raw: unknown): ClaimedSession | null {
  const inner = (raw as Partial<WireSession> | null)?.vitessSession;
  if (!inner || typeof inner.sessionUUID !== "string") return null;
  return { id: inner.sessionUUID, inTransaction: inner.inTransaction === true };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** An error raised by the gateway itself, already in Vitess terms. */
export class VitessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errno = 1105,
    readonly sqlState = "HY000",
  ) {
    super(message);
  }
}

interface MysqlError {
  message?: string;
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

// Mirrors Vitess' tabletserver mapping of MySQL errnos to RPC codes for the common cases.
const CODE_BY_ERRNO: Record<number, string> = {
  1062: "ALREADY_EXISTS",
  1050: "ALREADY_EXISTS",
  1213: "ABORTED",
  1205: "DEADLINE_EXCEEDED",
  1317: "CANCELED",
  1054: "NOT_FOUND",
  1146: "NOT_FOUND",
  1051: "NOT_FOUND",
  1044: "PERMISSION_DENIED",
  1045: "PERMISSION_DENIED",
  1142: "PERMISSION_DENIED",
  1451: "FAILED_PRECONDITION",
  1452: "FAILED_PRECONDITION",
  1040: "RESOURCE_EXHAUSTED",
  1064: "INVALID_ARGUMENT",
  1048: "INVALID_ARGUMENT",
  1136: "INVALID_ARGUMENT",
  1264: "INVALID_ARGUMENT",
  1265: "INVALID_ARGUMENT",
  1292: "INVALID_ARGUMENT",
  1364: "INVALID_ARGUMENT",
  1366: "INVALID_ARGUMENT",
  1406: "INVALID_ARGUMENT",
  2003: "UNAVAILABLE",
  2013: "UNAVAILABLE",
};

const CANNOT_CONNECT = new Set(["ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"]);
const CONNECTION_LOST = new Set(["PROTOCOL_CONNECTION_LOST", "ECONNRESET", "EPIPE"]);

/** Client-side failures get the errno a MySQL client would report (2003 / 2013). */
function clientErrno(err: MysqlError): number {
  if (err.code && CANNOT_CONNECT.has(err.code)) return 2003;
  if ((err.code && CONNECTION_LOST.has(err.code)) || err.fatal) return 2013;
  return 1105;
}

/** "ALREADY_EXISTS" → "AlreadyExists", as gRPC prints codes. */
function grpcName(code: string): string {
  return code
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}

/**
 * Formats like vttablet does, so callers can match `errno 1062` exactly as against PlanetScale:
 * `target: db.-.primary: vttablet: rpc error: code = AlreadyExists desc = Duplicate entry ...
 * (errno 1062) (sqlstate 23000) (CallerID: user)`. The SQL text is left out on purpose: it would
 * carry parameter values into logs.
 */
export function toRpcError(err: unknown, target: string, user: string): RpcError {
  let code: string;
  let text: string;
  let errno: number;
  let sqlState: string;
  if (err instanceof VitessError) {
    ({ code, errno, sqlState } = err);
    text = err.message;
  } else {
    const e = (err ?? {}) as MysqlError;
    const fromServer = typeof e.sqlState === "string" && typeof e.errno === "number" && e.errno > 0;
    errno = fromServer ? (e.errno as number) : clientErrno(e);
    sqlState = fromServer ? (e.sqlState as string) : "HY000";
    text = e.sqlMessage ?? e.message ?? String(err);
    code = CODE_BY_ERRNO[errno] ?? "UNKNOWN";
  }
  const desc = `${text} (errno ${errno}) (sqlstate ${sqlState}) (CallerID: ${user})`;
  return {
    code,
    message: `target: ${target}.-.primary: vttablet: rpc error: code = ${grpcName(code)} desc = ${desc}`,
  };
}
