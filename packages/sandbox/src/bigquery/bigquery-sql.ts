import { invalidQuery, unsupported } from "./bigquery-errors.ts";
import { isSymbol, isWord, splitStatements, type Token, tokenize } from "./bigquery-sql-tokens.ts";

export type StatementKind =
  | "SELECT"
  | "INSERT"
  | "UPDATE"
  | "DELETE"
  | "MERGE"
  | "TRUNCATE_TABLE"
  | "CREATE_VIEW"
  | "DROP_VIEW"
  | "BEGIN_TRANSACTION"
  | "COMMIT_TRANSACTION"
  | "ROLLBACK_TRANSACTION";

/** One GoogleSQL statement rewritten for DuckDB; `name` is the view a CREATE/DROP VIEW names. */
export interface TranslatedStatement {
  kind: StatementKind;
  sql: string;
  name?: string[];
}

/** BigQuery's limit on GoogleSQL query text. */
export const maxQueryCharacters = 1024 * 1024;

type Rewrite = string | { open: string; close: string };

/** Functions of the supported subset, with their DuckDB spelling (a string) or a wrapping rewrite. */
const functions: Record<string, Rewrite> = {
  COUNT: "count",
  SUM: "sum",
  MIN: "min",
  MAX: "max",
  AVG: "avg",
  COALESCE: "coalesce",
  IFNULL: "ifnull",
  NULLIF: "nullif",
  IF: "if",
  ROW_NUMBER: "row_number",
  RANK: "rank",
  DENSE_RANK: "dense_rank",
  LAG: "lag",
  LEAD: "lead",
  FIRST_VALUE: "first_value",
  LAST_VALUE: "last_value",
  LOWER: "lower",
  UPPER: "upper",
  LENGTH: "length",
  CONCAT: "concat",
  SUBSTR: "substr",
  TRIM: "trim",
  ABS: "abs",
  ROUND: "round",
  FLOOR: "floor",
  CEIL: "ceil",
  GREATEST: "greatest",
  LEAST: "least",
  COUNTIF: "count_if",
  LOGICAL_AND: "bool_and",
  LOGICAL_OR: "bool_or",
  STARTS_WITH: "starts_with",
  ENDS_WITH: "ends_with",
  REGEXP_CONTAINS: "regexp_matches",
  STRING_AGG: "string_agg",
  ANY_VALUE: "any_value",
  CAST: "CAST",
  SAFE_CAST: "TRY_CAST",
  CURRENT_TIMESTAMP: "get_current_timestamp",
  CURRENT_DATE: "today",
  UNIX_MICROS: "epoch_us",
  PARSE_JSON: "json",
  JSON_VALUE: "json_extract_string",
  JSON_EXTRACT_SCALAR: "json_extract_string",
  JSON_QUERY: "json_extract",
  JSON_EXTRACT: "json_extract",
  ARRAY_LENGTH: "len",
  TO_JSON_STRING: { open: "CAST(to_json(", close: ") AS VARCHAR)" },
  DATE: { open: "CAST((", close: ") AS DATE)" },
  TIMESTAMP: { open: "CAST((", close: ") AS TIMESTAMPTZ)" },
  TIMESTAMP_MICROS: { open: "CAST(make_timestamp(", close: ") AS TIMESTAMPTZ)" },
  GENERATE_UUID: { open: "CAST(gen_random_uuid(", close: ") AS VARCHAR)" },
  ERROR: "error",
};

/** GoogleSQL type names (and aliases) to DuckDB types. */
const types: Record<string, string> = {
  INT64: "BIGINT",
  INT: "BIGINT",
  INTEGER: "BIGINT",
  BIGINT: "BIGINT",
  SMALLINT: "BIGINT",
  TINYINT: "BIGINT",
  BYTEINT: "BIGINT",
  FLOAT64: "DOUBLE",
  NUMERIC: "DECIMAL(38, 9)",
  DECIMAL: "DECIMAL(38, 9)",
  BOOL: "BOOLEAN",
  BOOLEAN: "BOOLEAN",
  STRING: "VARCHAR",
  BYTES: "BLOB",
  TIMESTAMP: "TIMESTAMPTZ",
  DATE: "DATE",
  DATETIME: "TIMESTAMP",
  TIME: "TIME",
  JSON: "JSON",
};

/** Keywords that may stand before a parenthesis without being a function call. */
const parenthesisKeywords = new Set([
  "IN",
  "VALUES",
  "OVER",
  "AS",
  "USING",
  "EXISTS",
  "AND",
  "OR",
  "NOT",
  "ON",
  "FROM",
  "JOIN",
  "SELECT",
  "WHERE",
  "INTO",
  "EXCEPT",
  "REPLACE",
  "BY",
  "THEN",
  "WHEN",
  "ELSE",
  "CASE",
  "IS",
  "ALL",
  "ANY",
  "SOME",
  "WITH",
  "DISTINCT",
  "UNION",
  "INTERSECT",
  "SET",
  "INSERT",
  "HAVING",
  "QUALIFY",
  "ROWS",
  "RANGE",
  "WINDOW",
  "LIMIT",
  "OFFSET",
]);
/** Words after which a name followed by a parenthesis is a table, as in `INSERT INTO t (a, b)`. */
const tableIntroducers = new Set(["INTO", "INSERT", "TABLE", "VIEW", "MERGE", "UPDATE"]);

function quoteIdentifier(part: string): string {
  return `"${part.replaceAll('"', '""')}"`;
}

/** DuckDB ends a literal at a raw NUL, so NUL characters (which a GoogleSQL string can hold) join in as chr(0). */
function quoteString(value: string): string {
  const literal = (part: string) => `'${part.replaceAll("'", "''")}'`;
  return value.includes("\0") ? `(${value.split("\0").map(literal).join(" || chr(0) || ")})` : literal(value);
}

function classify(tokens: readonly Token[]): StatementKind {
  const [first, second, third] = tokens;
  const word = first?.kind === "word" ? first.text.toUpperCase() : isSymbol(first, "(") ? "SELECT" : "";
  const hasTopLevelWhere = () => {
    let depth = 0;
    return tokens.some((token) => {
      if (isSymbol(token, "(")) depth += 1;
      if (isSymbol(token, ")")) depth -= 1;
      return depth === 0 && isWord(token, "WHERE");
    });
  };
  switch (word) {
    case "SELECT":
    case "WITH":
      return "SELECT";
    case "INSERT":
    case "MERGE":
      return word;
    case "UPDATE":
    case "DELETE":
      if (!hasTopLevelWhere()) throw invalidQuery(`${word} must have a WHERE clause`);
      return word;
    case "TRUNCATE":
      return "TRUNCATE_TABLE";
    case "BEGIN":
      if (isWord(second, "TRANSACTION") && tokens.length === 2) return "BEGIN_TRANSACTION";
      throw unsupported("A BEGIN ... END block (only BEGIN TRANSACTION)");
    case "COMMIT":
    case "ROLLBACK":
      if (tokens.length === 1 || (isWord(second, "TRANSACTION") && tokens.length === 2))
        return word === "COMMIT" ? "COMMIT_TRANSACTION" : "ROLLBACK_TRANSACTION";
      throw invalidQuery(`Syntax error: Unexpected ${tokens[1]?.text} after ${word}`);
    case "CREATE":
      if (isWord(second, "VIEW") || (isWord(second, "OR") && isWord(third, "REPLACE") && isWord(tokens[3], "VIEW")))
        return "CREATE_VIEW";
      throw unsupported(
        "CREATE statements other than CREATE [OR REPLACE] VIEW (create tables with tables.insert or a load job)",
      );
    case "DROP":
      if (isWord(second, "VIEW")) return "DROP_VIEW";
      throw unsupported("DROP statements other than DROP VIEW (delete tables with tables.delete)");
    default:
      throw unsupported(`The statement ${first?.text ?? ""}`.trim());
  }
}

function viewName(tokens: readonly Token[]): string[] {
  let index = tokens.findIndex((token) => isWord(token, "VIEW")) + 1;
  while (isWord(tokens[index], "IF", "NOT", "EXISTS")) index += 1;
  const parts: string[] = [];
  for (; index < tokens.length && !isWord(tokens[index], "AS"); index++) {
    const token = tokens[index] as Token;
    if (token.kind === "quoted") parts.push(...token.text.split("."));
    else if (token.kind === "word") parts.push(token.text);
  }
  return parts;
}

/** Rewrites one statement's tokens into DuckDB SQL. */
function rewrite(tokens: readonly Token[], kind: StatementKind): string {
  const out: string[] = [];
  const closers: { close: string; cast: boolean }[] = [];
  const push = (piece: string) => out.push(piece);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    const next = tokens[index + 1];
    const previous = tokens[index - 1];
    if (index === 1 && (kind === "MERGE" || kind === "INSERT") && !isWord(token, "INTO")) push("INTO");
    if (index === 1 && kind === "DELETE" && !isWord(token, "FROM")) push("FROM");
    if (token.kind === "quoted") {
      push(token.text.split(".").map(quoteIdentifier).join("."));
    } else if (token.kind === "string") {
      push(quoteString(token.text));
    } else if (token.kind === "number") {
      push(token.text);
    } else if (token.kind === "symbol") {
      if (token.text === "(") closers.push({ close: ")", cast: false });
      if (token.text === ")") {
        push(closers.pop()?.close ?? ")");
        continue;
      }
      if (token.text === "[" || token.text === "]") throw unsupported("Arrays and subscripts");
      push(token.text);
    } else {
      const upper = token.text.toUpperCase();
      const caster = closers[closers.length - 1];
      if (next?.kind === "string" && (upper in types || upper === "JSON")) {
        push(
          upper === "DATE" ? `DATE ${quoteString(next.text)}` : `CAST(${quoteString(next.text)} AS ${types[upper]})`,
        );
        index += 1;
      } else if (caster?.cast === true && isWord(previous, "AS") && isSymbol(next, ")")) {
        const mapped = types[upper];
        if (mapped === undefined) throw unsupported(`The type ${token.text}`);
        push(mapped);
      } else if (upper === "EXCEPT" && isSymbol(previous, "*")) {
        push("EXCLUDE");
      } else if (
        isSymbol(next, "(") &&
        !parenthesisKeywords.has(upper) &&
        !(previous?.kind === "word" && tableIntroducers.has(previous.text.toUpperCase()))
      ) {
        const rewriteTo = functions[upper];
        if (rewriteTo === undefined) throw unsupported(`The function ${token.text}`);
        if (typeof rewriteTo === "string") {
          push(`${rewriteTo}(`);
          closers.push({ close: ")", cast: rewriteTo === "CAST" || rewriteTo === "TRY_CAST" });
        } else {
          push(rewriteTo.open);
          closers.push({ close: rewriteTo.close, cast: false });
        }
        index += 1;
      } else if (upper === "STRUCT" || upper === "ARRAY" || upper === "UNNEST") {
        throw unsupported(`${upper} values`);
      } else {
        push(token.text);
      }
    }
  }
  return out.reduce(
    (sql, piece) =>
      sql === ""
        ? piece
        : piece === "." || sql.endsWith(".") || piece === ")" || sql.endsWith("(")
          ? sql + piece
          : `${sql} ${piece}`,
    "",
  );
}

/** Translates a GoogleSQL query or script into DuckDB statements, refusing anything outside the documented subset. */
export function translateScript(sql: string): TranslatedStatement[] {
  if (sql.length > maxQueryCharacters) {
    throw invalidQuery(
      "The query is too large. The maximum standard SQL query length is 1024.00K characters, including comments and white space characters.",
    );
  }
  const statements = splitStatements(tokenize(sql));
  if (statements.length === 0) throw invalidQuery("Syntax error: Unexpected end of script");
  return statements.map((tokens) => {
    const kind = classify(tokens);
    if (kind === "BEGIN_TRANSACTION") return { kind, sql: "BEGIN TRANSACTION" };
    if (kind === "COMMIT_TRANSACTION") return { kind, sql: "COMMIT" };
    if (kind === "ROLLBACK_TRANSACTION") return { kind, sql: "ROLLBACK" };
    const translated: TranslatedStatement = { kind, sql: rewrite(tokens, kind) };
    if (kind === "CREATE_VIEW" || kind === "DROP_VIEW") translated.name = viewName(tokens);
    return translated;
  });
}

/** `[project, dataset]` pairs a query names (`p.d.t`, `d.t`, quoted or not), to find the location it runs in. */
export function referencedDatasets(sql: string, projectId: string): [string, string][] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return [];
  }
  const pairs: [string, string][] = [];
  for (let index = 0; index < tokens.length; index++) {
    const parts: string[] = [];
    while (index < tokens.length) {
      const token = tokens[index] as Token;
      if (token.kind === "quoted") parts.push(...token.text.split("."));
      else if (token.kind === "word") parts.push(token.text);
      else break;
      if (!isSymbol(tokens[index + 1], ".")) break;
      index += 2;
    }
    if (parts.length === 3) pairs.push([parts[0] as string, parts[1] as string]);
    if (parts.length === 2) pairs.push([projectId, parts[0] as string]);
  }
  return pairs;
}
