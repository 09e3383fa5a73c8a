import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { type FileBodySource, fileByteChunks } from "./ultimate-file-body.ts";

export interface StoredObject {
  readonly path: string;
  readonly length: number;
}

/**
 * GCS serves an object's stored bytes; the emulator otherwise generates them again for every download, which on a
 * benchmark's shared cores is CPU the loader is charged for. With `storedObjects`, each object (a file of a day, as
 * its records stood when first asked) is generated once into that folder and served from there afterwards.
 */
export class StoredObjects {
  readonly #directory: string;
  readonly #objects = new Map<string, Promise<StoredObject>>();

  constructor(directory: string) {
    this.#directory = directory;
  }

  get(source: FileBodySource): Promise<StoredObject> {
    const key = [
      source.plan.bot.id,
      source.plan.day,
      source.file ?? "all",
      source.version,
      source.format,
      source.plan.visibleCount,
    ].join("/");
    let stored = this.#objects.get(key);
    if (stored === undefined) {
      stored = this.#store(key, source);
      stored.catch(() => this.#objects.delete(key));
      this.#objects.set(key, stored);
    }
    return stored;
  }

  async #store(key: string, source: FileBodySource): Promise<StoredObject> {
    const path = join(this.#directory, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
    await pipeline(fileByteChunks(source), createWriteStream(`${path}.partial`));
    await rename(`${path}.partial`, path);
    return { path, length: (await stat(path)).size };
  }
}
