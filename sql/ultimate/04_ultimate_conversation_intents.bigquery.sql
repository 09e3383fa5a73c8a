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
-- Dialects: JSON list access differs; BigQuery reads the list with JSON_QUERY_ARRAY and SAFE_OFFSET, as seed 003's
--          own SQL does (array_reverse(...)[safe_offset(0)] = last element). The last element is picked in a
--          subquery and its intent_name read outside it: the BigQuery grammar the tests parse this file with
--          (node-sql-parser) rejects a subscript inside a function's arguments, which GoogleSQL allows.
CREATE OR REPLACE VIEW ultimate_conversation_intents AS
SELECT
  bot_id,
  conversation_id,
  JSON_VALUE(triggered_intent_replies, '$[0].intent_name') AS first_intent,
  JSON_VALUE(triggered_use_cases, '$[0].intent_name') AS first_use_case_intent,
  JSON_VALUE(last_intent_reply, '$.intent_name') AS last_intent
FROM (
  SELECT
    bot_id,
    conversation_id,
    triggered_intent_replies,
    triggered_use_cases,
    ARRAY_REVERSE(JSON_QUERY_ARRAY(triggered_intent_replies))[SAFE_OFFSET(0)] AS last_intent_reply
  FROM ultimate_conversations
) AS conversations;
