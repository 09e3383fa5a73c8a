-- ultimate_first_meaningful_intent_metrics: conversations and bot-handled rate by first meaningful intent (seed 003).
--
-- Grain:   one row per bot_id and first_meaningful_intent.
-- Sources: ultimate_conversations (triggered_intent_replies: JSON list of {intent_timestamp, intent_id,
--          intent_name, not_meaningful}), ultimate_conversation_facts (00) for the normalised status.
-- first_meaningful_intent: of a conversation's triggered_intent_replies, keep the intents with
--          not_meaningful = false (a missing flag does not count as meaningful, as in the seed's "is false") and
--          intent_name not in ('Greeting', 'Talk to a human/agent') (the seed's excluded names); the first of
--          them by intent_timestamp, ties broken by position in the list. Conversations without such an intent
--          are not counted in any row.
--   total_conversations        distinct conversation_id with that first meaningful intent
--   bot_handled_conversations  of those, is_bot_handled (status botHandled in any spelling; ultimate_conversation_facts)
--   bot_handled_rate           bot_handled_conversations / total_conversations, a fraction in [0, 1]
-- All days together (no time filter); intents are ordered by their instants, so no time zone is involved.
-- Dialects: unnesting a JSON list with its positions differs; this is the DuckDB form.
CREATE OR REPLACE VIEW ultimate_first_meaningful_intent_metrics AS
WITH meaningful AS (
  SELECT
    conversations.bot_id,
    conversations.conversation_id,
    facts.is_bot_handled,
    intent.value ->> 'intent_name' AS intent_name,
    row_number() OVER (
      PARTITION BY conversations.bot_id, conversations.conversation_id
      ORDER BY CAST(intent.value ->> 'intent_timestamp' AS TIMESTAMPTZ), intent.position
    ) AS intent_rank
  FROM ultimate_conversations AS conversations
  INNER JOIN ultimate_conversation_facts AS facts
    ON facts.bot_id = conversations.bot_id AND facts.conversation_id = conversations.conversation_id
  CROSS JOIN unnest(json_extract(conversations.triggered_intent_replies, '$[*]')) WITH ORDINALITY AS intent(value, position)
  WHERE (intent.value ->> 'not_meaningful') = 'false'
    AND (intent.value ->> 'intent_name') NOT IN ('Greeting', 'Talk to a human/agent')
)
SELECT
  bot_id,
  intent_name AS first_meaningful_intent,
  COUNT(DISTINCT conversation_id) AS total_conversations,
  COUNT(DISTINCT CASE WHEN is_bot_handled THEN conversation_id END) AS bot_handled_conversations,
  1.0 * COUNT(DISTINCT CASE WHEN is_bot_handled THEN conversation_id END)
    / NULLIF(COUNT(DISTINCT conversation_id), 0) AS bot_handled_rate
FROM meaningful
WHERE intent_rank = 1
GROUP BY bot_id, intent_name;
