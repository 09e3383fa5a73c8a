import type { Sink } from "@parley/core";
import { type BigqueryEmulator, createBigqueryEmulator } from "@parley/sandbox/bigquery";
import { OAuth2Client } from "google-auth-library";
import type { BigquerySettings } from "../bigquery-config.ts";
import { createBigquerySink } from "../bigquery-sink.ts";

export interface BigqueryTestHarness {
  readonly emulator: BigqueryEmulator;
  /** Settings for a sink on a dataset of its own, with a static bearer token instead of Google credentials. */
  settings(overrides?: Partial<BigquerySettings>): BigquerySettings;
  fresh(overrides?: Partial<BigquerySettings>): Promise<{ open(): Sink; cleanup(): Promise<void> }>;
  close(): Promise<void>;
}

export const testToken = "emulator-test-token";

/** A static-token auth client: google-auth-library sends it as is and never looks for real credentials. */
export function staticTokenClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: testToken });
  return client;
}

let datasetCounter = 0;

export async function startBigqueryHarness(): Promise<BigqueryTestHarness> {
  const emulator = await createBigqueryEmulator({ tokens: [testToken] });
  const settings = (overrides: Partial<BigquerySettings> = {}): BigquerySettings => {
    datasetCounter += 1;
    return {
      projectId: "parley-jobs",
      dataset: `parley_test_${datasetCounter}`,
      apiEndpoint: emulator.url,
      authClient: staticTokenClient(),
      retryDelayMs: 1,
      ...overrides,
    };
  };
  return {
    emulator,
    settings,
    async fresh(overrides) {
      const chosen = settings(overrides);
      return { open: () => createBigquerySink(chosen), cleanup: async () => undefined };
    },
    close: () => emulator.close(),
  };
}
