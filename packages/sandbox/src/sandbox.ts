import { type CcaiEmulator, createCcaiEmulator } from "./ccai/index.ts";
import { createUltimateEmulator, type UltimateEmulator } from "./ultimate/index.ts";
import { createVoicegainEmulator, type VoicegainEmulator } from "./voicegain/index.ts";

export interface SandboxOptions {
  readonly host?: string;
  /** Ultimate listens here, Voicegain on the next port, CCAI on the one after; 0 picks free ports. */
  readonly basePort?: number;
  readonly seed?: number;
  /** The sandbox's "today" (default: now); Ultimate exports exist up to the day before. */
  readonly now?: Date;
  /** Multiplies the seeded data (default 1), to watch progress on a longer run. */
  readonly size?: number;
}

/** The bearer token the sandbox's CCAI emulator accepts (any other is refused, as Google would). */
export const sandboxCcaiAccessToken = "sandbox-access-token";

/** All three vendor emulators, seeded, for offline development, the demo and end-to-end tests. */
export interface Sandbox {
  readonly ultimate: UltimateEmulator;
  readonly voicegain: VoicegainEmulator;
  readonly ccai: CcaiEmulator & { readonly accessToken: string };
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const port = (offset: number): number =>
    options.basePort === undefined || options.basePort === 0 ? 0 : options.basePort + offset;
  const seed = options.seed ?? 7;
  const size = options.size ?? 1;
  const ultimate = await createUltimateEmulator({
    host,
    port: port(0),
    seed,
    bots: 2,
    conversationsPerDay: { min: 30 * size, max: 80 * size },
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const voicegain = await createVoicegainEmulator({ host, port: port(1), seed, callCount: 2_000 * size });
  const ccai = await createCcaiEmulator({
    host,
    port: port(2),
    seed,
    conversations: 300 * size,
    tokens: [sandboxCcaiAccessToken],
  });
  const close = async (): Promise<void> => {
    await Promise.all([ultimate.close(), voicegain.close(), ccai.close()]);
  };
  return {
    ultimate,
    voicegain,
    ccai: Object.assign(ccai, { accessToken: sandboxCcaiAccessToken }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
