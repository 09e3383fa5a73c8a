import { afterEach, expect, test } from "vitest";
import { type Sandbox, startSandbox } from "./sandbox.ts";

let running: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of running) await sandbox.close();
  running = [];
});

async function sandboxOf(size?: number): Promise<Sandbox> {
  const sandbox = await startSandbox({ basePort: 0, ...(size === undefined ? {} : { size }) });
  running.push(sandbox);
  return sandbox;
}

test("the CCAI emulator accepts only the sandbox's token, like the other two emulators", async () => {
  const sandbox = await sandboxOf();
  const list = (token: string) =>
    fetch(`${sandbox.ccai.url}/v1/${sandbox.ccai.parent}/conversations?pageSize=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const refused = await list("a-wrong-token");
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
  expect((await list(sandbox.ccai.accessToken)).status).toBe(200);
});

test("size multiplies the seeded data", async () => {
  const [normal, larger] = [await sandboxOf(), await sandboxOf(3)];
  expect(larger.voicegain.calls().length).toBe(3 * normal.voicegain.calls().length);
  expect(larger.ccai.conversations().length).toBe(3 * normal.ccai.conversations().length);
});
