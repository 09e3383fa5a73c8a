/**
 * One CSV record: its fields, or the text of a record that is not valid RFC 4180 (a quote that never closes,
 * or text after a closing quote), kept whole so it can be stored as a reject.
 */
export type CsvRecord = { readonly fields: string[] } | { readonly broken: string; readonly reason: string };

const quote = 34;
const comma = 44;
const newline = 10;
const carriageReturn = 13;

/**
 * A streaming RFC 4180 parser: feed text in chunks of any size; records come out as soon as they are complete.
 * Quoted fields may hold commas, CR/LF line breaks and doubled quotes (`""`), which is what breaks the vendor's own
 * line-splitting script on multi-line `notes` (vendor-apis §2.6). Lines end in CRLF or LF; blank lines are skipped.
 * Only the current unfinished record is kept between chunks, so memory does not grow with the body.
 */
export class CsvParser {
  #carry = "";

  /** Parses `chunk` and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    const text = this.#carry === "" ? chunk : this.#carry + chunk;
    this.#carry = text.slice(this.#parse(text, false, records));
    return records;
  }

  /** The body ended: returns the last record, which may be cut short (an unterminated quote). */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    const text = this.#carry;
    this.#carry = "";
    if (text !== "") this.#parse(text, true, records);
    return records;
  }

  /** Parses whole records from `text`; returns where the first unfinished one starts. */
  #parse(text: string, atEnd: boolean, records: CsvRecord[]): number {
    const length = text.length;
    let recordStart = 0;
    let position = 0;
    let fields: string[] = [];
    while (position < length || (atEnd && recordStart < length)) {
      let value: string;
      if (text.charCodeAt(position) === quote) {
        let cursor = position + 1;
        let parts = "";
        for (;;) {
          const close = text.indexOf('"', cursor);
          if (close === -1) {
            if (!atEnd) return recordStart;
            records.push({
              broken: text.slice(recordStart),
              reason: "a quoted field is never closed (the body ended inside it)",
            });
            return length;
          }
          if (close + 1 === length && !atEnd) return recordStart;
          if (text.charCodeAt(close + 1) === quote) {
            parts += text.slice(cursor, close + 1);
            cursor = close + 2;
            continue;
          }
          value = parts + text.slice(cursor, close);
          position = close + 1;
          break;
        }
        const next = text.charCodeAt(position);
        if (position < length && next !== comma && next !== newline && next !== carriageReturn) {
          const lineEnd = text.indexOf("\n", position);
          const stop = lineEnd === -1 ? length : lineEnd + 1;
          if (lineEnd === -1 && !atEnd) return recordStart;
          records.push({
            broken: text.slice(recordStart, stop).replace(/\r?\n$/, ""),
            reason: "text after a closing quote",
          });
          position = stop;
          recordStart = stop;
          fields = [];
          continue;
        }
      } else {
        let cursor = position;
        while (cursor < length) {
          const code = text.charCodeAt(cursor);
          if (code === comma || code === newline || code === carriageReturn) break;
          cursor += 1;
        }
        value = text.slice(position, cursor);
        position = cursor;
      }
      fields.push(value);
      if (position >= length) {
        if (!atEnd) return recordStart;
        records.push({ fields });
        return length;
      }
      const code = text.charCodeAt(position);
      if (code === comma) {
        position += 1;
        continue;
      }
      // A record ends at LF or CRLF; a CR at the very end of a chunk may be the first half of CRLF.
      if (code === carriageReturn) {
        if (position + 1 === length && !atEnd) return recordStart;
        position += text.charCodeAt(position + 1) === newline ? 2 : 1;
      } else {
        position += 1;
      }
      if (!(fields.length === 1 && fields[0] === "")) records.push({ fields });
      fields = [];
      recordStart = position;
    }
    return recordStart;
  }
}

/** Re-encodes fields as one CSV line, for storing a record that cannot be mapped as close to the wire as possible. */
export function csvLine(fields: readonly string[]): string {
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field)).join(",");
}
