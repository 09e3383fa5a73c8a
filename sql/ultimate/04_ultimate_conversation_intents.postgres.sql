-- ultimate_conversation_intents: the first and last intent of each conversation (seeds 003 and 004).
--
-- Grain:   one row per bot_id and conversation_id.
-- Sources: ultimate_conversations (triggered_intent_replies and triggered_use_cases are JSON lists in
--          conversation order).
-- Columns:
--   first_intent           intent_name of the FIRST element of triggered_intent_replies (seed 003's SQL). Used
--                          for both generations because v2 exports have no triggered_use_cases.
--   first_use_case_intent  intent_name of the first element of triggered_use_cases: seed 004's SQL takes
--                          first_intent from there. Seed 004 describes triggered_use_cases only as a "flag for
--                          dialogue or procedure use case configuration"; it does not say which intents the list
--                          can or cannot hold, so this may differ from first_intent and nothing more is claimed.
--                          NULL for v2 rows (no such field) and conversations without use cases.
--   last_intent            intent_name of the LAST element of triggered_intent_replies (both seeds).
-- "First" and "last" are positions in the list as exported, not timestamps. An empty or missing list gives NULL.
-- Dialects: JSON list access differs; PostgreSQL (jsonb) indexes lists with ->, where -1 is the last element.
CREATE OR REPLACE VIEW ultimate_conversation_intents AS
SELECT
  bot_id,
  conversation_id,
  triggered_intent_replies -> 0 ->> 'intent_name' AS first_intent,
  triggered_use_cases -> 0 ->> 'intent_name' AS first_use_case_intent,
  triggered_intent_replies -> -1 ->> 'intent_name' AS last_intent
FROM ultimate_conversations;
