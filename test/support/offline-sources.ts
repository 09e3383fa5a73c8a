/**
 * One source of each connector type, with valid settings and credentials no vendor would accept: for commands
 * that read the config but contact no vendor (`views apply`, `dbt sources`, parsing what a BigQuery sink is sent).
 * Which views apply and which tables are declared follow these types; the names are the tests' source names.
 */
export const offlineSources = {
  support: {
    type: "ultimate",
    organizationId: "77m57af6811115b53172431s",
    botIds: ["aaaaaaaaaaaaaaaaaaaaaaa1"],
    token: "unused",
    startDate: "2024-06-01",
  },
  calls: { type: "voicegain", token: "unused" },
  insights: { type: "ccai", project: "parley-offline", accessToken: "unused" },
} as const;
