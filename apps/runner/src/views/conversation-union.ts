import type { Sink } from "@parley/core";
import type { ViewFile } from "./view-files.ts";
import { tableExists } from "./view-sources.ts";

/** The folder of `sql/` that holds the cross-vendor `conversations` model. */
export const conversationsFolder = "conversations";

/**
 * The columns of `conversations`, in order. Every vendor part (`sql/conversations/NN_conversations_<type>.sql`)
 * yields exactly these; the union selects them by name, so a part's column order cannot shift a value.
 */
export const conversationColumns = [
  "source_type",
  "source_name",
  "conversation_id",
  "channel",
  "started_at",
  "ended_at",
  "duration_seconds",
  "day",
  "agent_id",
  "queue_or_bot",
  "language",
  "handled_by_bot_only",
  "escalated",
  "transferred",
  "resolved",
  "customer_sentiment",
  "turns",
  "ccai_conversation_name",
  "ultimate_bot_id",
  "ultimate_conversation_id",
  "voicegain_call_id",
] as const;

const vendorPartName = /^\d+_conversations_([a-z0-9]+)\./;

/**
 * The tables and views a statement reads: unqualified names after FROM or JOIN, comments ignored. A name followed
 * by a dot is a column (`EXTRACT(EPOCH FROM alias.column)`), not a relation.
 */
export function relationsRead(sql: string): string[] {
  const code = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "");
  const names = [...code.matchAll(/\b(?:FROM|JOIN)\s+[`"]?([A-Za-z_][A-Za-z0-9_]*)\b(?!\.)/gi)].map(
    (match) => match[1],
  );
  return [...new Set(names as string[])];
}

/**
 * The statement that creates `conversations` as the union of the given vendor parts (view names). The union sits
 * in a subquery so the statement is one SELECT in every dialect (GoogleSQL parsers refuse a bare view-level UNION).
 */
export function unionStatement(parts: readonly string[]): string {
  const columns = conversationColumns.join(", ");
  const selects = parts.map((part) => `  SELECT ${columns} FROM ${part}`);
  return `CREATE OR REPLACE VIEW conversations AS\nSELECT * FROM (\n${selects.join("\n  UNION ALL\n")}\n) AS vendor_parts`;
}

export interface ConversationViewsResult {
  /** Source types whose part is in the union. */
  readonly included: readonly string[];
  /** Source types left out, each with the relation its part needs and the sink lacks. */
  readonly leftOut: readonly { readonly sourceType: string; readonly missing: string }[];
}

/**
 * Installs `conversations` over whichever vendors the sink holds: each vendor part whose relations all exist is
 * applied, then the union of those parts, then the views over the union (`conversation_metrics`). `files` are
 * the folder's files as `parley views apply` loaded them for the sink's dialect; `install` applies one file.
 */
export async function applyConversationViews(
  sink: Sink,
  files: readonly ViewFile[],
  install: (file: ViewFile) => Promise<void>,
  report: (line: string) => void,
): Promise<ConversationViewsResult> {
  const fileName = (file: ViewFile) => file.path.split("/").at(-1) ?? "";
  if (files.length === 0) return { included: [], leftOut: [] };
  const included: { sourceType: string; file: ViewFile }[] = [];
  const leftOut: { sourceType: string; missing: string }[] = [];
  for (const file of files) {
    const sourceType = vendorPartName.exec(fileName(file))?.[1];
    if (sourceType === undefined) continue;
    let missing: string | undefined;
    for (const relation of relationsRead(file.sql))
      if (missing === undefined && !(await tableExists(sink, relation))) missing = relation;
    if (missing === undefined) included.push({ sourceType, file });
    else leftOut.push({ sourceType, missing });
  }
  for (const { sourceType, missing } of leftOut)
    report(`conversations: left out ${sourceType} (the sink has no ${missing})\n`);
  const types = included.map((part) => part.sourceType);
  if (included.length === 0) {
    report("conversations: no vendor data in the sink, so conversations and the views over it were not created\n");
    return { included: types, leftOut };
  }
  for (const part of included) await install(part.file);
  const folder = (files[0]?.path ?? "").split("/").slice(0, -1).join("/");
  await install({
    sourceType: conversationsFolder,
    path: `${folder}/conversations(${types.join(",")})`,
    sql: unionStatement(types.map((type) => `conversations_${type}`)),
  });
  for (const file of files) if (!vendorPartName.test(fileName(file))) await install(file);
  return { included: types, leftOut };
}
