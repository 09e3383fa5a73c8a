import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { createRecordValidator, silentLogger } from "@parley/core";
import { createVoicegainEmulator } from "@parley/sandbox/voicegain";
import { callsStream, voicegainConfigSchema, voicegainSourceFactory } from "../src/index.ts";

const n = 50000;
if (!isMainThread) {
  const vg = await createVoicegainEmulator({ seed: 1, callCount: n, inFlight: 0, rateLimits: false });
  parentPort?.postMessage({ apiUrl: vg.apiUrl, token: vg.token });
} else {
  const worker = new Worker(new URL(import.meta.url));
  const vg = await new Promise<any>((r) => worker.once("message", r));
  for (const format of (process.env.FORMATS ?? "json,csv").split(",") as ("json" | "csv")[]) {
    const source = voicegainSourceFactory.create(
      voicegainConfigSchema.parse({
        token: vg.token,
        baseUrl: vg.apiUrl,
        format,
        perPage: Number(process.env.PER_PAGE ?? 1000),
        timeZone: "America/Chicago",
        rateLimit: false,
      }),
    );
    const validate = createRecordValidator(callsStream);
    const t = performance.now();
    let c = 0;
    for await (const m of source.read({
      state: new Map(),
      streams: new Set(["calls"]),
      logger: silentLogger,
      signal: new AbortController().signal,
      progress: () => {},
      now: () => new Date(),
    })) {
      if (m.kind === "record") {
        c++;
        if (process.env.VALIDATE) validate(m.record);
      }
    }
    console.log(format, c, Math.round((c / (performance.now() - t)) * 1000), "rec/s");
    await source.close();
  }
  process.exit(0);
}
