/**
 * The bottom lines of a terminal redrawn in place (the live progress), under lines printed normally (logs,
 * messages). A printed line goes above the region: the region is erased, the line written, the region redrawn,
 * so a redraw never overwrites what was printed. Off a terminal, only printed lines are written.
 */
export interface LiveRegion {
  /** Writes one line (without its newline) above the live region. */
  print(line: string): void;
  /** Replaces the live region's lines. */
  update(lines: readonly string[]): void;
  /** Leaves the region's last lines on screen as ordinary output and forgets them. */
  release(): void;
}

const eraseBelow = "\x1b[0J";
const up = (count: number): string => (count > 0 ? `\x1b[${count}A\r` : "");

export function createLiveRegion(stream: NodeJS.WriteStream): LiveRegion {
  const live = stream.isTTY === true;
  let drawn: readonly string[] = [];
  const render = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join("");
  return {
    print(line) {
      if (!live || drawn.length === 0) stream.write(`${line}\n`);
      else stream.write(`${up(drawn.length)}${eraseBelow}${line}\n${render(drawn)}`);
    },
    update(lines) {
      if (!live) return;
      stream.write(`${up(drawn.length)}${eraseBelow}${render(lines)}`);
      drawn = [...lines];
    },
    release() {
      drawn = [];
    },
  };
}
