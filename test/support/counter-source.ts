import { setTimeout as sleep } from "node:timers/promises";
import { type Source, type SourceFactory, type SourceMessage, type StreamDefinition, secretString } from "@parley/core";
import { z } from "zod";

/**
 * A test-only source: `pages` pages of `pageSize` numbered items, a checkpoint after every page.
 * Records whose number is a multiple of `rejectEvery` carry a malformed value, so the runner must set
 * them aside. `announcePages` reports each page as a progress note, which tests use to time a kill;
 * `announceRecords` reports each record the same way just before it is emitted (to stop a run mid-page).
 */
export const counterConfigSchema = z.strictObject({
  pages: z.int().min(0).default(10),
  pageSize: z.int().min(1).default(100),
  delayMs: z.int().min(0).default(0),
  rejectEvery: z.int().min(0).default(0),
  disposition: z.enum(["merge", "append"]).default("merge"),
  failAfterPages: z.int().min(0).optional(),
  announcePages: z.boolean().default(false),
  announceRecords: z.boolean().default(false),
  token: secretString("a credential the source never needs, to prove it is never printed").optional(),
});

const stateSchema = z.object({ lastPage: z.int().min(0) });

function itemsStream(disposition: "merge" | "append"): StreamDefinition {
  const columns = [
    { name: "id", type: "string", nullable: false },
    { name: "n", type: "integer" },
    { name: "page", type: "integer" },
    { name: "at", type: "timestamp" },
    { name: "tags", type: "json" },
  ] as const;
  return disposition === "merge"
    ? {
        name: "items",
        writeDisposition: "merge",
        primaryKey: ["id"],
        columns,
        eventTimeColumn: "at",
      }
    : { name: "items", writeDisposition: "append", columns, eventTimeColumn: "at" };
}

export const counterSourceFactory: SourceFactory<typeof counterConfigSchema> = {
  apiVersion: 1,
  packageName: "@parley/e2e-tests",
  type: "counter",
  configSchema: counterConfigSchema,
  create(config): Source {
    return {
      apiVersion: 1,
      type: "counter",
      streams: [itemsStream(config.disposition)],
      stateVersion: 1,
      stateSchema: stateSchema,
      async check() {},
      async *read(context): AsyncIterable<SourceMessage> {
        const stored = context.state.get("items");
        const from = stored === undefined ? 1 : stateSchema.parse(stored).lastPage + 1;
        for (let page = from; page <= config.pages; page++) {
          if (config.failAfterPages !== undefined && page > config.failAfterPages)
            throw new Error(`counter: failing on page ${page} as configured`);
          if (config.delayMs > 0) await sleep(config.delayMs);
          for (let index = 0; index < config.pageSize; index++) {
            const n = (page - 1) * config.pageSize + index + 1;
            const malformed = config.rejectEvery > 0 && n % config.rejectEvery === 0;
            if (config.announceRecords) context.progress({ kind: "note", stream: "items", message: `record ${n}` });
            yield {
              kind: "record",
              stream: "items",
              record: {
                id: `item-${n}`,
                n: malformed ? `not-a-number-${n}` : n,
                page,
                at: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
                tags: [`p${page}`, n % 2 === 0 ? "even" : "odd"],
              },
            };
          }
          yield { kind: "checkpoint", stream: "items", state: { lastPage: page } };
          context.progress({ kind: "page", stream: "items", bytes: config.pageSize * 100 });
          if (config.announcePages) context.progress({ kind: "note", stream: "items", message: `page ${page} done` });
        }
      },
      async close() {},
    };
  },
};
