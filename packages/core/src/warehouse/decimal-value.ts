/**
 * A DECIMAL/NUMERIC value from its exact text, as the Sink contract gives it: a number when the number prints
 * back as the same decimal (nothing lost: `1.50` is 1.5), otherwise the exact text (`12345678901234567890.123`),
 * because a float would silently drop digits.
 */
export function decimalValue(text: string): number | string {
  const number = Number(text);
  const canonical = canonicalDecimal(text);
  // A double holds any decimal of 15 significant digits (String() may print it with an exponent); beyond that,
  // only if it prints back the same.
  const significant = canonical.replace(/[-.]/g, "").replace(/^0+/, "").length;
  return significant <= 15 || canonicalDecimal(String(number)) === canonical ? number : text;
}

/** Without a plus sign, leading integer zeros and trailing fraction zeros, so `+01.50` and `1.5` compare equal. */
function canonicalDecimal(text: string): string {
  const match = /^([+-]?)0*(\d*)(?:\.(\d*?)0*)?$/.exec(text.trim());
  if (match === null) return text;
  const [, sign = "", whole = "", fraction = ""] = match;
  const digits = `${whole === "" ? "0" : whole}${fraction === "" ? "" : `.${fraction}`}`;
  return digits === "0" ? "0" : `${sign === "-" ? "-" : ""}${digits}`;
}
