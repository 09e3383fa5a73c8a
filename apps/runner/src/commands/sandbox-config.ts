import type { Sandbox } from "@parley/sandbox";

/** Days of Ultimate exports the sandbox config reads: enough for the views to show a trend. */
const ultimateDays = 7;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * A Parley config that reads all three sandbox emulators into a DuckDB file. The credentials are the
 * emulators' own fake ones; real deployments put theirs in environment variables (`${VAR}`).
 */
export function sandboxConfig(sandbox: Sandbox, databasePath: string, now: Date = new Date()): Record<string, unknown> {
  const [, project, , location] = sandbox.ccai.parent.split("/") as [string, string, string, string];
  const start = new Date(now.getTime() - ultimateDays * 86_400_000);
  return {
    sink: { type: "duckdb", path: databasePath },
    sources: {
      ultimate: {
        type: "ultimate",
        baseUrl: sandbox.ultimate.url,
        organizationId: sandbox.ultimate.organizationId,
        botIds: sandbox.ultimate.bots.map((bot) => bot.id),
        token: sandbox.ultimate.apiKey,
        startDate: isoDay(start),
      },
      voicegain: {
        type: "voicegain",
        baseUrl: sandbox.voicegain.apiUrl,
        token: sandbox.voicegain.token,
        fromTime: "2024-05-01T00:00:00Z", // the emulator's calls start 2024-05-01; the connector's default is 2024-08-01
        format: "json",
      },
      ccai: { type: "ccai", baseUrl: sandbox.ccai.url, project, location, accessToken: sandbox.ccai.accessToken },
    },
  };
}
