/**
 * The output columns of a view's query, read from its outermost SELECT list: an item's alias (`AS name`), else
 * the column it names. A `*` cannot be resolved without a database, so it is refused: views list their columns.
 */
export function selectedColumns(query: string, file: string): string[] {
  const text = query.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (match) =>
    match.startsWith("'") ? "''" : " ",
  );
  let position = 0;
  const skipSpace = () => {
    while (/\s/.test(text[position] ?? "")) position++;
  };
  const skipParentheses = () => {
    let depth = 0;
    do {
      if (text[position] === "(") depth++;
      else if (text[position] === ")") depth--;
      position++;
    } while (depth > 0 && position < text.length);
  };
  const keyword = (word: string) => {
    skipSpace();
    const found = new RegExp(`^${word}\\b`, "i").test(text.slice(position));
    if (found) position += word.length;
    return found;
  };
  if (keyword("WITH")) {
    keyword("RECURSIVE");
    for (;;) {
      skipSpace();
      position += /^[A-Za-z_"][A-Za-z0-9_"]*/.exec(text.slice(position))?.[0].length ?? 0;
      skipSpace();
      if (text[position] === "(") skipParentheses();
      if (!keyword("AS")) throw new Error(`${file}: cannot read the WITH clause`);
      skipSpace();
      skipParentheses();
      skipSpace();
      if (text[position] !== ",") break;
      position++;
    }
  }
  if (!keyword("SELECT")) throw new Error(`${file}: expected the query's SELECT`);
  keyword("DISTINCT");
  const items: string[] = [];
  let depth = 0;
  let start = position;
  for (; position < text.length; position++) {
    const character = text[position];
    if (character === "(") depth++;
    else if (character === ")") depth--;
    else if (depth === 0 && character === ",") {
      items.push(text.slice(start, position));
      start = position + 1;
    } else if (depth === 0 && /^\bFROM\b/i.test(text.slice(position)) && /\W/.test(text[position - 1] ?? " ")) break;
  }
  items.push(text.slice(start, position));
  return items.map((item) => {
    const expression = item.trim();
    const name =
      /\bAS\s+"?([A-Za-z_][A-Za-z0-9_]*)"?$/i.exec(expression)?.[1] ??
      /^(?:[A-Za-z_][A-Za-z0-9_]*\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?$/.exec(expression)?.[1];
    if (name === undefined) throw new Error(`${file}: give "${expression}" a name (AS column_name)`);
    return name;
  });
}

/**
 * Column descriptions from a view's header comment: lines `--   <column>   [= ]<text>` with their indented
 * continuation lines, for the columns the view outputs.
 */
export function columnDescriptions(header: string, columns: readonly string[]): Map<string, string> {
  const descriptions = new Map<string, string>();
  let current: { column: string; indent: number } | undefined;
  for (const line of header.split("\n")) {
    const entry = /^--(\s+)([A-Za-z_][A-Za-z0-9_]*)(\s+(?:=\s+)?)(\S.*)$/.exec(line);
    if (entry !== null && columns.includes(entry[2] as string) && (entry[3] as string).length >= 2) {
      const column = entry[2] as string;
      const indent = 2 + (entry[1] as string).length + column.length + (entry[3] as string).length;
      current = { column, indent };
      descriptions.set(column, (entry[4] as string).trim());
      continue;
    }
    const continuation = /^--(\s+)(\S.*)$/.exec(line);
    if (current !== undefined && continuation !== null && 2 + (continuation[1] as string).length >= current.indent) {
      descriptions.set(current.column, `${descriptions.get(current.column)} ${(continuation[2] as string).trim()}`);
      continue;
    }
    current = undefined;
  }
  return descriptions;
}
