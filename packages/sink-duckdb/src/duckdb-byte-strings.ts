/** Bytes appended into blocks of 64 KiB (the short runs of a key copied byte by byte, without a view made). */
export class ByteChunks {
  #done: Buffer[] = [];
  #block = Buffer.allocUnsafe(blockBytes);
  #used = 0;

  add(bytes: Uint8Array): void {
    this.copy(bytes, 0, bytes.length);
  }

  copy(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.#used + length > this.#block.length) {
      if (this.#used > 0) this.#done.push(this.#block.subarray(0, this.#used));
      this.#block = Buffer.allocUnsafe(Math.max(blockBytes, length));
      this.#used = 0;
    }
    const block = this.#block;
    if (length > 64) block.set(bytes.subarray(start, end), this.#used);
    else for (let index = start, at = this.#used; index < end; index++) block[at++] = bytes[index] as number;
    this.#used += length;
  }

  chunks(): Buffer[] {
    return this.#used === 0 ? this.#done : [...this.#done, this.#block.subarray(0, this.#used)];
  }
}

const blockBytes = 64 * 1024;

/** A set of byte strings (open addressing on a hash of each), kept four bytes to a word in one growing arena. */
export class ByteSet {
  #slots = new Int32Array(1024);
  #hashes = new Int32Array(512);
  #starts = new Int32Array(512);
  #lengths = new Int32Array(512);
  #count = 0;
  #arena = new Int32Array(16 * 1024);
  #arenaUsed = 0;

  /**
   * Adds the first `length` bytes of `words` (four to a word, little-endian, the last word's unused bytes zero);
   * false if they were there already.
   */
  add(words: Int32Array, length: number): boolean {
    const wordCount = (length + 3) >>> 2;
    let hash = length;
    for (let index = 0; index < wordCount; index++) {
      hash = Math.imul(hash ^ (words[index] as number), 0x5bd1e995);
      hash ^= hash >>> 15;
    }
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = (this.#slots[slot] as number) - 1;
      if (entry === -1) break;
      if (this.#hashes[entry] === hash && this.#lengths[entry] === length && this.#same(entry, words, wordCount))
        return false;
      slot = (slot + 1) & mask;
    }
    if (this.#count === this.#hashes.length) {
      this.#hashes = grownInts(this.#hashes, 0);
      this.#starts = grownInts(this.#starts, 0);
      this.#lengths = grownInts(this.#lengths, 0);
    }
    if (this.#arenaUsed + wordCount > this.#arena.length)
      this.#arena = grownInts(this.#arena, this.#arenaUsed + wordCount);
    const arena = this.#arena;
    for (let index = 0, at = this.#arenaUsed; index < wordCount; index++) arena[at++] = words[index] as number;
    this.#hashes[this.#count] = hash;
    this.#starts[this.#count] = this.#arenaUsed;
    this.#lengths[this.#count] = length;
    this.#arenaUsed += wordCount;
    this.#slots[slot] = ++this.#count;
    // At most half the slots taken keeps probes short.
    if (this.#count * 2 > this.#slots.length) this.#rehash();
    return true;
  }

  #same(entry: number, words: Int32Array, wordCount: number): boolean {
    const arena = this.#arena;
    const start = this.#starts[entry] as number;
    for (let index = 0; index < wordCount; index++) if (arena[start + index] !== words[index]) return false;
    return true;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.#count; entry++) {
      let slot = (this.#hashes[entry] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.#slots = slots;
  }
}

export function grownInts(ints: Int32Array, least: number): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(Math.max(least, ints.length * 2));
  larger.set(ints);
  return larger;
}
