import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import { bodyChunks } from "./body-chunks.ts";

const kilobyte = (fill: number) => Buffer.alloc(1024, fill);

/** Settles what the stream machinery has queued (data events are emitted on later ticks). */
const settle = () => new Promise(setImmediate);

describe("bodyChunks", () => {
  test("hands the chunks over as they came (no joined copies), in batches of about batchBytes", async () => {
    const body = new PassThrough();
    const sent = Array.from({ length: 10 }, (_, index) => kilobyte(index));
    const batches = bodyChunks(body, { aheadBytes: 1 << 20, batchBytes: 3000 });
    const first = batches.next();
    for (const chunk of sent) body.write(chunk);
    body.end();
    const received: Buffer[][] = [(await first).value as Buffer[]];
    for await (const batch of batches) received.push(batch);
    expect(received.flat()).toEqual(sent);
    // The very chunks the stream emitted: the same memory, not a copy of it.
    expect(received.flat().every((chunk, index) => chunk.buffer === sent[index]?.buffer)).toBe(true);
    expect(received.every((batch) => batch.length >= 1 && (batch.length === 1 || batch.length * 1024 <= 3000))).toBe(
      true,
    );
  });

  test("reads ahead up to aheadBytes while the consumer is busy, then pauses the body until it takes more", async () => {
    const body = new PassThrough({ highWaterMark: 1024 });
    const batches = bodyChunks(body, { aheadBytes: 4096, batchBytes: 1024 });
    const first = batches.next();
    const writes = Array.from({ length: 12 }, (_, index) => body.write(kilobyte(index)));
    await first;
    await settle();
    // One chunk handed out, four more read ahead; the rest waits in the stream, which is paused.
    expect(body.isPaused()).toBe(true);
    expect(writes.at(-1)).toBe(false);
    const second = await batches.next();
    expect(second.value?.[0]?.[0]).toBe(1);
    await settle();
    body.end();
    const rest: number[] = [];
    for await (const batch of batches) for (const chunk of batch) rest.push(chunk[0] as number);
    expect(rest).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  test("a body that fails, or closes before its end, fails the reading; an early stop destroys the body", async () => {
    const failing = new PassThrough();
    const failed = (async () => {
      for await (const _batch of bodyChunks(failing, { aheadBytes: 4096, batchBytes: 1024 })) {
        // reading
      }
    })();
    failing.write(kilobyte(1));
    failing.destroy(new Error("connection reset"));
    await expect(failed).rejects.toThrow("connection reset");

    const closed = new PassThrough();
    const cut = (async () => {
      for await (const _batch of bodyChunks(closed, { aheadBytes: 4096, batchBytes: 1024 })) {
        // reading
      }
    })();
    closed.write(kilobyte(1));
    await settle();
    closed.destroy();
    await expect(cut).rejects.toThrow("closed before its end");

    const abandoned = new PassThrough();
    abandoned.write(kilobyte(1));
    for await (const _batch of bodyChunks(abandoned, { aheadBytes: 4096, batchBytes: 1024 })) break;
    expect(abandoned.destroyed).toBe(true);
  });

  test("lets the event loop turn between batches it already holds, when handling them takes time", async () => {
    const body = new PassThrough();
    for (let index = 0; index < 20; index++) body.write(kilobyte(index));
    body.end();
    await settle();
    let immediateRan = false;
    let batchesBefore = -1;
    let batches = 0;
    for await (const _batch of bodyChunks(body, { aheadBytes: 1 << 20, batchBytes: 1024 })) {
      if (batches === 0)
        setImmediate(() => {
          immediateRan = true;
          batchesBefore = batches;
        });
      batches += 1;
      // A consumer busy for a while with each batch (a scan of a MiB of JSON takes about this long).
      const until = performance.now() + 5;
      while (performance.now() < until);
    }
    expect(immediateRan).toBe(true);
    expect(batchesBefore).toBeGreaterThan(0);
    expect(batchesBefore).toBeLessThan(20);
  });
});
