/** How `parley query` prints rows: an aligned table for people, CSV / JSON / NDJSON for programs. */
export const rowFormats = ["table", "csv", "json", "ndjson"] as const;
export type RowFormat = (typeof rowFormats)[number];

const tableCellLimit = 60;

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}

/** A table cell: one line whatever the value holds (line breaks and tabs shown escaped), long values shortened. */
function tableCell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  const text =
    typeof value === "number" && !Number.isInteger(value)
      ? value.toFixed(4)
      : plain(value).replace(/[\r\n\t]/g, (character) =>
          character === "\n" ? "\\n" : character === "\r" ? "\\r" : "\\t",
        );
  return text.length > tableCellLimit ? `${text.slice(0, tableCellLimit - 1)}…` : text;
}

function csvField(value: unknown): string {
  const text = plain(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  return rows.length === 0 ? [] : Object.keys(rows[0] as object);
}

/** Renders rows as an aligned text table; each row stays on one line. */
export function renderTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)";
  const columns = columnsOf(rows);
  const grid = [columns, ...rows.map((row) => columns.map((column) => tableCell(row[column])))];
  const widths = columns.map((_column, index) => Math.max(...grid.map((line) => (line[index] ?? "").length)));
  return grid
    .map((line) =>
      line
        .map((text, index) => text.padEnd(widths[index] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Renders rows in the chosen format, ending with a newline; csv and json values are never shortened. */
export function renderRows(rows: readonly Record<string, unknown>[], format: RowFormat): string {
  switch (format) {
    case "table":
      return `${renderTable(rows)}\n`;
    case "csv": {
      const columns = columnsOf(rows);
      const lines = [columns.map(csvField), ...rows.map((row) => columns.map((column) => csvField(row[column])))];
      return lines.map((line) => `${line.join(",")}\r\n`).join("");
    }
    case "json":
      return `${JSON.stringify(rows, jsonReplacer, 2)}\n`;
    case "ndjson":
      return rows.map((row) => `${JSON.stringify(row, jsonReplacer)}\n`).join("");
  }
}
