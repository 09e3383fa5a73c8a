/** Word lists the generator draws from. Intent names and the not_meaningful flag follow seed 003's SQL. */

export interface IntentDefinition {
  readonly name: string;
  readonly notMeaningful: boolean;
}

export const greetingIntent: IntentDefinition = { name: "Greeting", notMeaningful: true };
export const humanHandoverIntent: IntentDefinition = { name: "Talk to a human/agent", notMeaningful: false };

export const smallTalkIntents: readonly IntentDefinition[] = [
  { name: "Goodbye", notMeaningful: true },
  { name: "Thank you", notMeaningful: true },
  { name: "Small talk", notMeaningful: true },
  { name: "Affirm", notMeaningful: true },
];

export const useCaseIntents: readonly IntentDefinition[] = [
  { name: "Booking status", notMeaningful: false },
  { name: "Cancel booking", notMeaningful: false },
  { name: "Change booking", notMeaningful: false },
  { name: "Refund request", notMeaningful: false },
  { name: "Payment methods", notMeaningful: false },
  { name: "Opening hours", notMeaningful: false },
  { name: "Lost luggage", notMeaningful: false },
  { name: "Update address", notMeaningful: false },
  { name: "Invoice copy", notMeaningful: false },
  { name: "Loyalty points", notMeaningful: false },
];

export const allIntents: readonly IntentDefinition[] = [
  greetingIntent,
  humanHandoverIntent,
  ...smallTalkIntents,
  ...useCaseIntents,
];

export const botNames: readonly string[] = [
  "INDUSTRY DEMO (Travel) - SunCo",
  "Customer Care EN",
  "Kundenservice DE",
  "Billing Assistant",
  "Service client FR",
  "Returns Helper",
];

export const languages: readonly (readonly [string, number])[] = [
  ["eng", 60],
  ["deu", 15],
  ["fra", 10],
  ["spa", 8],
  ["nld", 5],
  ["ita", 2],
];

export const labels: readonly string[] = [
  "web",
  "app",
  "API:getBookingDetails-Success",
  "API:getBookingDetails-Failure",
  "handover",
  "csat-offered",
  "vip",
];

export const segments: readonly string[] = ["VIP", "Returning customer", "New customer", "Mobile app", "Newsletter"];

export const sentiments: readonly string[] = ["neutral", "positive", "negative"];

export const sessionChannels: readonly string[] = ["web", "whatsapp", "messenger", "ios", "android"];

export const firstNames: readonly string[] = [
  "Anna",
  "Jürgen",
  "Zoë",
  "Mateo",
  "Aïcha",
  "Liam",
  "Søren",
  "Emma",
  "Noah",
];
export const lastNames: readonly string[] = [
  "Müller",
  "García",
  "Dupont",
  "Jansen",
  "Rossi",
  "Smith",
  "Øberg",
  "Nowak",
];

export const cities: readonly (readonly [string, string])[] = [
  ["Barcelona", "Spain"],
  ["Berlin", "Germany"],
  ["Lyon", "France"],
  ["Utrecht", "Netherlands"],
  ["Porto", "Portugal"],
  ["Kraków", "Poland"],
];

export const articleTitles: readonly string[] = [
  "How do I cancel my booking?",
  "Refund policy",
  "Baggage allowance",
  "Changing travel dates",
  "Payment options",
  "Contacting support",
];

export const resolutionReasons: readonly string[] = [
  "The customer confirmed the answer solved the issue.",
  "The customer asked for a human agent after the answer.",
  "The answer addressed the question and the customer left without follow-up.",
  "The conversation ended before the question was answered.",
];
