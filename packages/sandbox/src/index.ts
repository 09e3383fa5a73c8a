export { type Sandbox, type SandboxOptions, sandboxCcaiAccessToken, startSandbox } from "./sandbox.ts";
export {
  type RequestHandler,
  type RunningServer,
  readBody,
  type ServeOptions,
  sendJson,
  sendText,
  serve,
} from "./server/emulator-server.ts";
export { SeededRandom } from "./server/seeded-random.ts";
