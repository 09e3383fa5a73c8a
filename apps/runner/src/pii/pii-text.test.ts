import { describe, expect, test } from "vitest";
import { redactText } from "./pii-text.ts";

describe("redactText", () => {
  test.each([
    ["Mail jane.doe+billing@example.co.uk today", "Mail [email] today"],
    ["card 4111 1111 1111 1111, exp 12/27", "card [card], exp 12/27"],
    ["card 4111-1111-1111-1111.", "card [card]."],
    ["call +1 (415) 555-0132 or 0151 2345678", "call [phone] or [phone]"],
    ["+49 151 4567890", "[phone]"],
  ])("masks %j", (input, expected) => expect(redactText(input)).toBe(expected));

  test.each([
    "Order 2024-05-03 at 10:30, ticket #4821, refund of 129.99 in 5 days",
    "a 16-digit number that is no card: 1234 5678 9012 3456",
    "Thank you for calling, how can I help you today?",
  ])("keeps %j", (input) => expect(redactText(input)).toBe(input));
});
