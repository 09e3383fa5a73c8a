/** Free-text redaction: emails, card numbers and phone numbers are masked; every other character is kept. */

const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13 to 19 digits, single spaces or dashes allowed between them (4111 1111 1111 1111, 4111-1111-1111-1111).
const cardCandidate = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
// An optional +, then 7 to 15 digits with the separators phone numbers are written with.
const phoneCandidate = /(?<![\w+]|\d[ ().-])\+?\(?\d(?:[ ().-]{0,2}\d){6,14}(?![\w]|[ ().-]{1,2}\d)/g;
// Dates and times look like digit runs too; they are not phone numbers.
const dateLike = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;

export const maskedEmail = "[email]";
export const maskedCard = "[card]";
export const maskedPhone = "[phone]";

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

export function redactText(text: string): string {
  return text
    .replace(email, maskedEmail)
    .replace(cardCandidate, (match) => (passesLuhn(match.replace(/\D/g, "")) ? maskedCard : match))
    .replace(phoneCandidate, (match) => {
      const digits = match.replace(/\D/g, "").length;
      return digits >= 7 && digits <= 15 && !dateLike.test(match) ? maskedPhone : match;
    });
}
