import { invalidQuery, unsupported } from "./bigquery-errors.ts";

/** A GoogleSQL token: `quoted` is a backtick identifier (its text unescaped), `string` a literal (its value decoded). */
export interface Token {
  kind: "word" | "quoted" | "string" | "number" | "symbol";
  text: string;
}

const simpleEscapes: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\u0007",
  b: "\b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "`": "`",
  "?": "?",
};
const symbols = [
  "<=",
  ">=",
  "<>",
  "!=",
  "||",
  "=>",
  "<<",
  ">>",
  "(",
  ")",
  ",",
  ".",
  ";",
  "*",
  "+",
  "-",
  "/",
  "=",
  "<",
  ">",
  "[",
  "]",
  "%",
  "~",
  "&",
  "|",
  "^",
];

function decodeEscapes(body: string): string {
  let out = "";
  for (let index = 0; index < body.length; index++) {
    const character = body[index] as string;
    if (character !== "\\") {
      out += character;
      continue;
    }
    const next = body[index + 1] ?? "";
    if (next in simpleEscapes) {
      out += simpleEscapes[next];
      index += 1;
    } else if (next === "x" || next === "X" || next === "u" || next === "U") {
      const length = next === "u" ? 4 : next === "U" ? 8 : 2;
      const hex = body.slice(index + 2, index + 2 + length);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length)
        throw invalidQuery(`Syntax error: Illegal escape sequence: \\${next}${hex}`);
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      index += 1 + length;
    } else if (/[0-7]/.test(next)) {
      out += String.fromCharCode(Number.parseInt(body.slice(index + 1, index + 4), 8));
      index += 3;
    } else {
      throw invalidQuery(`Syntax error: Illegal escape sequence: \\${next}`);
    }
  }
  return out;
}

/** Splits GoogleSQL text into tokens, dropping comments and whitespace. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < sql.length) {
    const character = sql[index] as string;
    const rest = sql.slice(index, index + 3);
    if (/\s/.test(character)) {
      index += 1;
    } else if (rest.startsWith("--") || character === "#") {
      const end = sql.indexOf("\n", index);
      index = end === -1 ? sql.length : end + 1;
    } else if (rest.startsWith("/*")) {
      const end = sql.indexOf("*/", index + 2);
      if (end === -1) throw invalidQuery("Syntax error: Unclosed comment");
      index = end + 2;
    } else if (character === "`") {
      const end = sql.indexOf("`", index + 1);
      if (end === -1) throw invalidQuery("Syntax error: Unclosed identifier literal");
      tokens.push({ kind: "quoted", text: sql.slice(index + 1, end) });
      index = end + 1;
    } else if (
      /[rRbB]/.test(character) &&
      /^[rRbB]{0,2}['"]/.test(sql.slice(index, index + 3)) &&
      !/[A-Za-z0-9_]/.test(sql[index - 1] ?? "")
    ) {
      const prefix = /^[rRbB]{1,2}/.exec(sql.slice(index))?.[0] ?? "";
      if (/[bB]/.test(prefix)) throw unsupported("A BYTES literal");
      index = readString(sql, index + prefix.length, true, tokens);
    } else if (character === "'" || character === '"') {
      index = readString(sql, index, false, tokens);
    } else if (/[0-9]/.test(character) || (character === "." && /[0-9]/.test(sql[index + 1] ?? ""))) {
      const match = /^(\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\.)/.exec(sql.slice(index)) as RegExpExecArray;
      tokens.push({ kind: "number", text: match[0] });
      index += match[0].length;
    } else if (/[A-Za-z_]/.test(character)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(index)) as RegExpExecArray;
      tokens.push({ kind: "word", text: match[0] });
      index += match[0].length;
    } else if (character === "@") {
      throw unsupported("Query parameters and system variables (@name, @@name)");
    } else {
      const symbol = symbols.find((candidate) => sql.startsWith(candidate, index));
      if (symbol === undefined) throw invalidQuery(`Syntax error: Unexpected character "${character}"`);
      tokens.push({ kind: "symbol", text: symbol });
      index += symbol.length;
    }
  }
  return tokens;
}

function readString(sql: string, start: number, raw: boolean, tokens: Token[]): number {
  const quote =
    sql.startsWith("'''", start) || sql.startsWith('"""', start) ? sql.slice(start, start + 3) : (sql[start] as string);
  let index = start + quote.length;
  while (index < sql.length) {
    if (!raw && sql[index] === "\\") {
      index += 2;
      continue;
    }
    if (sql.startsWith(quote, index)) {
      const body = sql.slice(start + quote.length, index);
      if (quote.length === 1 && body.includes("\n")) throw invalidQuery("Syntax error: Unclosed string literal");
      tokens.push({ kind: "string", text: raw ? body : decodeEscapes(body) });
      return index + quote.length;
    }
    index += 1;
  }
  throw invalidQuery("Syntax error: Unclosed string literal");
}

/** Splits tokens into statements at top-level semicolons, dropping empty ones. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === "symbol" && token.text === ";") statements.push([]);
    else (statements[statements.length - 1] as Token[]).push(token);
  }
  return statements.filter((statement) => statement.length > 0);
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === "word" && words.includes(token.text.toUpperCase());
}

export function isSymbol(token: Token | undefined, symbol: string): boolean {
  return token?.kind === "symbol" && token.text === symbol;
}
