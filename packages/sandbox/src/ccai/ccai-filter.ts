import { invalidArgument } from "./ccai-errors.ts";

export type Comparator = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":";

export type FilterNode =
  | { type: "and"; children: FilterNode[] }
  | { type: "or"; children: FilterNode[] }
  | { type: "not"; child: FilterNode }
  | { type: "restriction"; field: string; comparator: Comparator; value: string; quoted: boolean; position: number };

interface Token {
  kind: "word" | "string" | "comparator" | "open" | "close" | "minus";
  text: string;
  position: number;
}

const comparators: readonly Comparator[] = ["<=", ">=", "!=", "=", "<", ">", ":"];
const wordCharacter = /[^\s()"=!<>:]/;

function fail(message: string): never {
  throw invalidArgument(`Invalid filter: ${message}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const character = text[position] as string;
    if (/\s/.test(character)) {
      position += 1;
    } else if (character === "(" || character === ")") {
      tokens.push({ kind: character === "(" ? "open" : "close", text: character, position });
      position += 1;
    } else if (character === '"') {
      let value = "";
      let cursor = position + 1;
      while (cursor < text.length && text[cursor] !== '"') {
        if (text[cursor] === "\\" && cursor + 1 < text.length) cursor += 1;
        value += text[cursor];
        cursor += 1;
      }
      if (cursor >= text.length) fail(`unterminated string starting at position ${position}`);
      tokens.push({ kind: "string", text: value, position });
      position = cursor + 1;
    } else if (character === "-" && (position === 0 || /[\s(]/.test(text[position - 1] as string))) {
      // A leading minus negates the term that follows (AIP-160, `-latest_analysis:"*"` in vendor-apis §1.6).
      tokens.push({ kind: "minus", text: "-", position });
      position += 1;
    } else {
      const comparator = comparators.find((candidate) => text.startsWith(candidate, position));
      if (comparator) {
        tokens.push({ kind: "comparator", text: comparator, position });
        position += comparator.length;
        continue;
      }
      if (character === "!") fail(`unexpected '!' at position ${position}`);
      let cursor = position;
      while (cursor < text.length && wordCharacter.test(text[cursor] as string)) cursor += 1;
      tokens.push({ kind: "word", text: text.slice(position, cursor), position });
      position = cursor;
    }
  }
  return tokens;
}

/**
 * AIP-160 grammar, including its precedence: OR binds tighter than AND, and whitespace-separated terms are ANDed
 * (`a b OR c` is `a AND (b OR c)`).
 */
class Parser {
  private index = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  parse(): FilterNode {
    const node = this.expression();
    const extra = this.tokens[this.index];
    if (extra) fail(`unexpected '${extra.text}' at position ${extra.position}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.kind === "word" && token.text === keyword;
  }

  private expression(): FilterNode {
    const children = [this.sequence()];
    while (this.isKeyword(this.peek(), "AND")) {
      this.index += 1;
      children.push(this.sequence());
    }
    return children.length === 1 ? (children[0] as FilterNode) : { type: "and", children };
  }

  private sequence(): FilterNode {
    const children = [this.factor()];
    for (let next = this.peek(); next && next.kind !== "close" && !this.isKeyword(next, "AND"); next = this.peek()) {
      children.push(this.factor());
    }
    return children.length === 1 ? (children[0] as FilterNode) : { type: "and", children };
  }

  private factor(): FilterNode {
    const children = [this.term()];
    while (this.isKeyword(this.peek(), "OR")) {
      this.index += 1;
      children.push(this.term());
    }
    return children.length === 1 ? (children[0] as FilterNode) : { type: "or", children };
  }

  private term(): FilterNode {
    const token = this.peek();
    if (token?.kind === "minus" || this.isKeyword(token, "NOT")) {
      this.index += 1;
      return { type: "not", child: this.simple() };
    }
    return this.simple();
  }

  private simple(): FilterNode {
    const token = this.peek();
    if (!token) return fail("unexpected end of filter");
    if (token.kind === "open") {
      this.index += 1;
      const node = this.expression();
      if (this.peek()?.kind !== "close") fail(`missing ')' for '(' at position ${token.position}`);
      this.index += 1;
      return node;
    }
    if (token.kind !== "word" || ["AND", "OR", "NOT"].includes(token.text)) {
      return fail(`unexpected '${token.text}' at position ${token.position}`);
    }
    this.index += 1;
    const comparator = this.peek();
    if (comparator?.kind !== "comparator") {
      return fail(`'${token.text}' at position ${token.position} needs a comparison such as ${token.text}="value"`);
    }
    this.index += 1;
    const value = this.peek();
    if (value?.kind !== "string" && value?.kind !== "word") {
      return fail(`expected a value after '${comparator.text}' at position ${comparator.position}`);
    }
    this.index += 1;
    return {
      type: "restriction",
      field: token.text,
      comparator: comparator.text as Comparator,
      value: value.text,
      quoted: value.kind === "string",
      position: token.position,
    };
  }
}

/** Parses a filter; an empty or blank filter gives `undefined` (match everything). */
export function parseCcaiFilter(text: string): FilterNode | undefined {
  if (text.trim() === "") return undefined;
  return new Parser(tokenize(text)).parse();
}
