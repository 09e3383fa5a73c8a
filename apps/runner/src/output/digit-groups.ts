/**
 * A whole number with its thousands grouped by commas, as `toLocaleString("en-US")` writes it, without that call's
 * first use loading the locale data (about 10 ms of a process start).
 */
export function groupDigits(count: number): string {
  const [sign, digits] = count < 0 ? ["-", String(-count)] : ["", String(count)];
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, ",");
}
