export { type Sandbox, type SandboxOptions, startSandbox } from "./sandbox.ts";
export { readBody, type RequestHandler, type RunningServer, type ServeOptions, serve, sendJson, sendText } from "./server/emulator-server.ts";
export { SeededRandom } from "./server/seeded-random.ts";
