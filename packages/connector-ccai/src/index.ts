export {
  type CcaiConfig,
  type CcaiExportConfig,
  type CcaiSettings,
  ccaiConfigSchema,
  ccaiExportConfigSchema,
} from "./ccai-config.ts";
export { ccaiSourceFactory, createCcaiSource } from "./ccai-source.ts";
