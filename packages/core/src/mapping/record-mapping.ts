/**
 * How a vendor's record becomes a row of a stream: declared once per stream, executed by two engines that
 * must agree: the JavaScript mapper (`createRecordMapper`, the row path every sink can take) and a sink's
 * bulk path, where the warehouse's own loader parses the vendor's raw records and SQL generated from this
 * declaration maps them. A test proves both give identical tables, rejects included.
 */

/**
 * How one vendor value is read into a column. Each reads JSON values as vendors send them:
 * - `text`: a string as sent; a number or boolean as its text.
 * - `count`: a whole number, also sent as text (`"7"`, `"7.0"`); `""` is unknown (null).
 * - `timestamp`: ISO 8601 with an offset, converted to UTC; without an offset read as UTC; epoch seconds or
 *   milliseconds (numbers or digits); `""` is null.
 * - `boolean`: true/false, also as text `"true"`, `"TRUE"`, `"True"` (and false alike); `""` is null.
 * - `json`: any JSON value; text that holds a JSON object or list (`"[1,2]"`) is parsed, other text is kept.
 * Readings for vendors that send `""` for an absent value in every field (Voicegain):
 * - `text or null`: a string as sent, `""` is null; a number or boolean as its text.
 * - `number`: a finite number, also sent as its text (`"87.5"`).
 * - `whole number`: a number that is a whole one (`7.0` is 7).
 * - `numeric id`: a non-negative whole number of up to 15 digits, sent as a number or its digits.
 * - `true or false`: true/false, also as text in any case.
 * - `utc time`: RFC 3339, converted to UTC; without an offset read as UTC.
 * - `json as sent`: any JSON value, kept as it is (text stays text).
 * - `text list`: a list whose items are read as `text or null`, a null item becoming `""`.
 * - `numeric id list`: a list of texts, each read as a `numeric id`.
 * - `object list`: a list of objects, each becoming an object of the field's `itemKeys` (in that order, null when
 *   absent); a null item is an object of nulls.
 * A value that cannot be read is a reject naming the vendor field, never a silent null.
 */
export const valueReadings = [
  "text",
  "count",
  "timestamp",
  "boolean",
  "json",
  "text or null",
  "number",
  "whole number",
  "numeric id",
  "true or false",
  "utc time",
  "json as sent",
  "text list",
  "numeric id list",
  "object list",
] as const;

export type ValueReading = (typeof valueReadings)[number];

/** The readings of one value (not a list of them): the ones an object list's item keys may use. */
export type ScalarReading = Exclude<ValueReading, "text list" | "numeric id list" | "object list">;

/** One key of an `object list` item. */
export interface ItemKey {
  readonly key: string;
  readonly reading: ScalarReading;
}

/** One column read from the record. */
export interface FieldMapping {
  /** The stream's column. */
  readonly column: string;
  /**
   * The vendor's names for the field, matched exactly and otherwise case-insensitively. Several names are
   * alternatives (a field renamed between API generations): the first, in this order, with a non-null value wins.
   */
  readonly from: readonly [string, ...string[]];
  readonly reading: ValueReading;
  /** When the record has no value, the column takes the record's context value (e.g. the bot whose file held it). */
  readonly contextFallback?: boolean;
  /**
   * The field lies inside an object the record holds under this key (`agent` for `agent.agentId`); absent or null,
   * the column is null; anything but an object is a reject. Only with `keys: "exact"`.
   */
  readonly within?: string;
  /** For the `object list` reading: the keys each item becomes. */
  readonly itemKeys?: readonly ItemKey[];
}

/**
 * A stream's mapping. Columns of the stream that no field fills are either context columns (set per file or page
 * by the source), the extra-fields column, a field-name column, or a day fallback; all others stay null.
 */
export interface RecordMapping {
  readonly fields: readonly FieldMapping[];
  /**
   * `exact`: vendor keys match only as spelled and keys the mapping does not name are left out; fields are read in
   * the declared order, the first unreadable one giving the reject's reason (`duration: "long" is not a number`).
   * Default: keys match in any case, and the reason reads `field duration: cannot read "long" as ...`.
   */
  readonly keys?: "exact";
  /** Columns whose value comes from where the record was read (the file's day, the API generation). */
  readonly contextColumns?: readonly string[];
  /** The column that keeps every field the mapping does not name, as an object under the names sent; null when none. */
  readonly extraFieldsColumn?: string;
  /** A column that says which of a field's names carried its value (or, when all were null, the first sent). */
  readonly fieldNameColumns?: readonly { readonly column: string; readonly of: string }[];
  /** A column that, while null, takes the UTC day (`YYYY-MM-DD`) of a timestamp column. */
  readonly dayFallback?: { readonly column: string; readonly from: string };
}

/**
 * Where a batch of raw records came from: the values of the mapping's context columns, and a description
 * (`bot 5f.., 2024-06-19, file 1 of 2`) that prefixes every reject reason.
 */
export interface RecordContext {
  readonly values: Readonly<Record<string, string | null>>;
  /** Empty when the reasons name no place (the row path of the same source names none either). */
  readonly where: string;
}

/**
 * Whole records as the bytes the vendor sent, never decoded on the way, for a warehouse's own JSON reader:
 * - `ndjson`: lines of one JSON value each (blank lines and a `\r` before a line break allowed);
 * - `json-array-items`: the items of a JSON array with the commas between them, without the enclosing brackets.
 */
export interface RawRecords {
  readonly layout: "ndjson" | "json-array-items";
  readonly bytes: Uint8Array;
  /** How many records the bytes hold. */
  readonly count: number;
  /**
   * Where each record lies in `bytes`: start and end offsets, two per record, when the producer knows them (the
   * splitter does); a reader that needs the records one by one then slices instead of scanning again.
   */
  readonly spans?: Uint32Array;
}

/** Consecutive raw records of one batch that share a context (one file or page), in the order they were read. */
export interface RawRecordPart {
  readonly context: RecordContext;
  readonly records: RawRecords;
}
