const quotedCache = new Map<string, string>();

/** JSON string literal of a vocabulary string, cached: the generator writes record text by hand for speed. */
export function quoted(text: string): string {
  let literal = quotedCache.get(text);
  if (literal === undefined) {
    literal = JSON.stringify(text);
    if (quotedCache.size < 10_000) quotedCache.set(text, literal);
  }
  return literal;
}

export function quotedList(items: readonly string[]): string {
  let text = "[";
  for (let index = 0; index < items.length; index++)
    text += index === 0 ? quoted(items[index] as string) : `,${quoted(items[index] as string)}`;
  return `${text}]`;
}

/** Drops the accents so names can be used in e-mail addresses. */
export function asciiLetters(text: string): string {
  return text.normalize("NFD").replace(/[^a-zA-Z]/g, "");
}
