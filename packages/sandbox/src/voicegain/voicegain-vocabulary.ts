// Word lists for the seeded generator. Names and numbers are invented; tag style follows seed 002 (`C_Member|V_Verified`).

export const firstNames = [
  "Joe",
  "Maria",
  "Dana",
  "Luis",
  "Priya",
  "Sam",
  "Olivia",
  "Kwame",
  "Hannah",
  "Mateo",
  "Grace",
  "Yusuf",
  "Elena",
  "Tom",
  "Aiko",
  "Noah",
] as const;

export const lastNames = [
  "Shmoe",
  "Garcia",
  "O'Neil",
  "Nguyen",
  "Patel",
  "Smith",
  "Kowalski",
  "Mensah",
  "Becker",
  "Rossi",
  "Lee",
  "Haddad",
] as const;

export const queueNames = [
  "Q-English-Member-Services",
  "Q-Spanish-Member-Services",
  "Q-Billing",
  "Q-Claims",
  "Q-Pharmacy",
  "Q-Provider-Line",
  "Q-Enrollment",
  "Q-Escalations",
] as const;

export const topicNames = [
  "Billing",
  "Refund",
  "Claim Status",
  "Coverage Question",
  "Address Change",
  "ID Card Request",
  "Prescription Refill",
  "Complaint",
  "Provider Search",
  "Payment Arrangement",
  "Cancellation",
  "Technical Issue",
] as const;

export const keywordNames = [
  "refund",
  "deductible",
  "copay",
  "claim",
  "premium",
  "cancel",
  "supervisor",
  "pharmacy",
  "invoice",
  "late fee",
  "prior authorization",
  "member id",
] as const;

export const tagNames = [
  "C_Member",
  "C_Provider",
  "NEW_TAG",
  "V_Verified",
  "V_Unverified",
  "R_Coverage",
  "R_Billing",
  "E_Escalated",
  "S_Survey",
] as const;

export const wordCloudPhrases = [
  "thank you",
  "account",
  "payment",
  "refund",
  "policy",
  "claim",
  "number",
  "coverage",
  "today",
  "help",
  "doctor",
  "card",
  "address",
  "email",
  "week",
  "balance",
] as const;

export const summaryOpenings = [
  'Caller asked about a "refund" for a duplicate charge',
  "Member called to check the status of a claim, submitted last month",
  'Caller wanted to know why the "deductible" had reset',
  "Provider office called to verify coverage, eligibility and copay",
  "Member requested a new ID card, the old one was lost",
  'Caller was upset about a late fee and asked for a "supervisor"',
  "Member asked to update the mailing address, phone and email",
] as const;

export const summaryOutcomes = [
  "Agent issued a credit of $25.00, effective today.",
  "Agent explained the policy; the caller accepted, but wants a written copy.",
  'Agent escalated the case to Tier 2 with note "urgent, callback requested".',
  "Agent resolved the issue on the call.",
  "Agent could not verify the caller, so no changes were made.",
] as const;

export const summaryNextSteps = [
  "Next steps: send confirmation email.",
  "Next steps: none.",
  'Next steps: follow up in 3-5 business days, reference "case #".',
  "Next steps: caller will call back with the claim number.",
] as const;

export const reviewNoteTexts = [
  "Good empathy, missed the verification step.",
  'Used the "closing script", but rushed the hold.',
  "Excellent call, no coaching needed.",
  "Needs to confirm the callback number, address and email.",
] as const;

export const holdNotes = ["checking account", "consulting supervisor", "looking up claim"] as const;
