/**
 * SQL for Google's incremental export pattern (vendor-apis §1.12, G11): export changed conversations to a staging
 * table, then MERGE them into the final table on conversationName when conversationUpdateTimestampUtc differs, and
 * take the next watermark from the final table. BigQuery SQL, returned as text: running it needs a BigQuery client.
 */

/** The export columns Google's own MERGE copies (export V4; agentId was deprecated in V4). */
const v4Columns = [
  "conversationName",
  "audioFileUri",
  "dialogflowConversationProfileId",
  "startTimestampUtc",
  "loadTimestampUtc",
  "analysisTimestampUtc",
  "conversationUpdateTimestampUtc",
  "year",
  "month",
  "day",
  "durationNanos",
  "silenceNanos",
  "silencePercentage",
  "agentSpeakingPercentage",
  "clientSpeakingPercentage",
  "agentSentimentScore",
  "agentSentimentMagnitude",
  "clientSentimentScore",
  "clientSentimentMagnitude",
  "transcript",
  "turnCount",
  "languageCode",
  "medium",
  "issues",
  "entities",
  "labels",
  "words",
  "sentences",
  "latestSummary",
  "qaScorecardResults",
  "agents",
] as const;

/** Top-level columns each later export version added (vendor-apis §1.13.2); V8-V14 and V16 are not documented. */
const addedColumns: readonly [number, readonly string[]][] = [
  [5, ["startTimestamp"]],
  [6, ["feedbackLabels"]],
  [17, ["conversationExpiryTime", "conversationUpdateTime", "conversationExportTime"]],
];

/** Columns to copy for an `exportSchemaVersion` of 4 or later; LATEST_AVAILABLE is treated as V6, the last one fully known. */
export function exportColumns(exportSchemaVersion: string): string[] {
  const match = /^EXPORT_V(\d+)$/.exec(exportSchemaVersion);
  const version = match === null ? 6 : Number(match[1]);
  if (version < 4)
    throw new RangeError(
      `${exportSchemaVersion} has no conversationUpdateTimestampUtc; the MERGE needs EXPORT_V4 or later`,
    );
  return [...v4Columns, ...addedColumns.filter(([since]) => version >= since).flatMap(([, names]) => names)];
}

export interface BigQueryTable {
  readonly projectId: string;
  readonly dataset: string;
  readonly table: string;
}

const identifier = (name: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`not a column name: ${name}`);
  return `\`${name}\``;
};

export function tableReference(table: BigQueryTable): string {
  for (const part of [table.projectId, table.dataset, table.table]) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(part)) throw new RangeError(`not a BigQuery name: ${part}`);
  }
  return `\`${table.projectId}.${table.dataset}.${table.table}\``;
}

/**
 * MERGE staging into final. Staging is de-duplicated first (a run of several time windows can export one
 * conversation twice); a matched row is replaced when its update time differs, as Google's exporter does.
 */
export function buildCcaiMergeSql(target: BigQueryTable, staging: BigQueryTable, columns: readonly string[]): string {
  const quoted = columns.map(identifier);
  const key = identifier("conversationName");
  const updated = identifier("conversationUpdateTimestampUtc");
  return [
    `MERGE INTO ${tableReference(target)} AS target`,
    "USING (",
    `  SELECT * FROM ${tableReference(staging)}`,
    "  WHERE TRUE",
    `  QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${updated} DESC) = 1`,
    ") AS staged",
    `ON target.${key} = staged.${key}`,
    `WHEN MATCHED AND target.${updated} IS DISTINCT FROM staged.${updated} THEN`,
    `  UPDATE SET ${quoted.map((column) => `${column} = staged.${column}`).join(", ")}`,
    "WHEN NOT MATCHED THEN",
    `  INSERT (${quoted.join(", ")})`,
    `  VALUES (${quoted.map((column) => `staged.${column}`).join(", ")})`,
  ].join("\n");
}

/** The next run's watermark: the newest update time already in the final table (epoch seconds, or NULL when empty). */
export function buildWatermarkSql(target: BigQueryTable): string {
  return `SELECT MAX(${identifier("conversationUpdateTimestampUtc")}) AS watermark FROM ${tableReference(target)}`;
}

/**
 * The export stores update times floored to whole seconds, so the next export starts AT that second (`>=`): the
 * boundary conversations are exported again and the MERGE leaves them unchanged, instead of losing an update made
 * later within the same second.
 */
export function watermarkTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
}
