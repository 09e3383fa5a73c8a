import { describeSourceConformance } from "@parley/core/testing";
import { createCcaiEmulator } from "@parley/sandbox/ccai";
import { ccaiSourceFactory } from "./ccai-source.ts";

const token = "ccai-conformance-token";

describeSourceConformance("ccai", {
  factory: ccaiSourceFactory,
  async start() {
    const emulator = await createCcaiEmulator({ seed: 7, conversations: 230, tokens: [token] });
    const settings = {
      project: "parley-sandbox",
      baseUrl: emulator.url,
      accessToken: token,
      includeAnalyses: true,
      pageSize: 40,
    };
    return {
      settings,
      badCredentialSettings: { ...settings, accessToken: "ccai-refused-token" },
      secrets: [token],
      expectedKeys: {
        conversations: emulator.conversations().length,
        analyses: emulator.conversations().reduce((sum, conversation) => sum + conversation.analyses.length, 0),
      },
      stop: () => emulator.close(),
    };
  },
  invalidSettings: [
    { settings: {}, path: "project" },
    { settings: { project: "parley-sandbox", pageSize: 5000 }, path: "pageSize" },
    { settings: { project: "parley-sandbox", accessToken: "abcdefgh", keyFile: "/tmp/key.json" }, path: "keyFile" },
    {
      settings: { project: "parley-sandbox", exportToBigQuery: { dataset: "insights" } },
      path: "exportToBigQuery.writeDisposition",
    },
  ],
});
