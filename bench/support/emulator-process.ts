// Child process: a vendor emulator serving until its stdin closes, as a real API runs elsewhere (its CPU is not the
// loader's). It also writes the same data to files on disk for the limits and the peer that read from disk.
// Prints `READY <json>` with what the caller needs.
//   node emulator-process.ts ultimate <json options> <day file>
//   node emulator-process.ts voicegain <json options> <directory> <calls per page>
import { statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createUltimateEmulator, type UltimateEmulatorOptions } from "@parley/sandbox/ultimate";
import { createVoicegainEmulator, type VoicegainEmulatorOptions } from "@parley/sandbox/voicegain";
import { storedPages } from "./stored-pages.ts";
import { voicegainRange } from "./voicegain-range.ts";

export const ultimateDay = "2024-06-19";

export interface UltimateReady {
  readonly settings: Record<string, unknown>;
  readonly records: number;
  readonly bytes: number;
}

export interface VoicegainReady {
  readonly apiUrl: string;
  readonly token: string;
  readonly files: { readonly json: string; readonly csv: string };
  readonly bytes: { readonly json: number; readonly csv: number };
  /** The callId ending each full page: the afterCallId of the next consecutive request. */
  readonly pageEnds: readonly string[];
}

async function serveUltimate(options: UltimateEmulatorOptions, file: string): Promise<() => Promise<void>> {
  // Downloads stream stored bytes, as GCS serves them: generating a day again for every download cost about a
  // CPU-second per 300 MB on the cores the loader is measured on.
  const storedObjects = `${file}.objects`;
  await mkdir(storedObjects, { recursive: true });
  const emulator = await createUltimateEmulator({ ...options, storedObjects });
  const botId = emulator.bots[0]?.id as string;
  const written = await emulator.writeDayFile(botId, ultimateDay, file);
  await emulator.storeDay(botId, ultimateDay);
  const settings = {
    type: "ultimate",
    baseUrl: emulator.url,
    organizationId: emulator.organizationId,
    botIds: [botId],
    token: emulator.apiKey,
    startDate: ultimateDay,
    endDate: ultimateDay,
    lookbackDays: 0,
  };
  write({ settings, records: written.records, bytes: written.bytes } satisfies UltimateReady);
  return () => emulator.close();
}

async function serveVoicegain(
  options: VoicegainEmulatorOptions,
  directory: string,
  perPage: number,
): Promise<() => Promise<void>> {
  const emulator = await createVoicegainEmulator(options);
  const ids = emulator.calls().map((call) => String(call.callId));
  const files = await emulator.writeFiles(directory);
  const pageEnds = ids.filter((_, index) => (index + 1) % perPage === 0);
  // The consecutive export's pages in both formats, as Parley and the HTTP-only limit request them, built once here.
  const pages = (["json", "csv"] as const).flatMap((format) =>
    ["0", ...pageEnds].map((afterCallId) => {
      const url = new URL(`${emulator.apiUrl}/sa/call`);
      url.search = new URLSearchParams({
        format,
        consecutive: "true",
        afterCallId,
        page: "1",
        per_page: String(perPage),
        ...voicegainRange,
      }).toString();
      return url;
    }),
  );
  const front = await storedPages(emulator.apiUrl, `Bearer ${emulator.token}`, pages);
  write({
    apiUrl: front.url,
    token: emulator.token,
    files: { json: files.json, csv: files.csv },
    bytes: { json: statSync(files.json).size, csv: statSync(files.csv).size },
    pageEnds,
  } satisfies VoicegainReady);
  return async () => {
    await front.close();
    await emulator.close();
  };
}

function write(ready: UltimateReady | VoicegainReady): void {
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
}

if (process.argv[1] === import.meta.filename) {
  const [vendor, options, path, perPage] = process.argv.slice(2) as [string, string, string, string];
  const close =
    vendor === "ultimate"
      ? await serveUltimate(JSON.parse(options) as UltimateEmulatorOptions, path)
      : await serveVoicegain(JSON.parse(options) as VoicegainEmulatorOptions, path, Number(perPage));
  process.stdin.resume();
  process.stdin.on("end", () => void close().then(() => process.exit(0)));
}
