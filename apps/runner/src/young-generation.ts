import v8 from "node:v8";

const newSpaceBytes = (): number =>
  v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_size ?? 0;

/**
 * Stops V8's young generation growing past `capBytes`. V8 doubles it each time enough objects have survived its
 * collections since the last doubling; over a long load (a batch's objects live until it is written) that reached
 * V8's maximum of 128 MB, with no more objects alive: 54 MB of heap at the peak of a 100 MB Ultimate day, 153 MB at
 * 1 GB. The option that bounds it (`--max-semi-space-size`) counts only when Node starts, which the CLI does not
 * control; the growth factor is read at each doubling, so setting it to 1 once the cap is reached stops there.
 * Checked every 10 ms (a few microseconds each): under heavy allocation V8 can double twice within 100 ms.
 * 16 MB, not 32: 13-16 MB less peak on Ultimate days (100 and 300 MB, interleaved pairs), CPU within noise.
 */
export function capYoungGeneration(capBytes = 16 * 1024 * 1024, everyMs = 10): void {
  const timer = setInterval(() => {
    if (newSpaceBytes() < capBytes) return;
    v8.setFlagsFromString("--semi-space-growth-factor=1");
    clearInterval(timer);
  }, everyMs);
  timer.unref();
}
