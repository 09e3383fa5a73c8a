-- conversation_metrics: contacts and their outcomes per day and channel, across every vendor loaded.
--
-- Grain:   one row per (day, channel). day is the reporting-time-zone day of the conversation's start
--          (conversations.day); channel is voice, chat, email or a vendor's own value.
-- Sources: conversations (the union of the vendor parts that exist; `parley views apply` builds it).
-- Rates are fractions in [0, 1] over the conversations where the outcome is known (not NULL): a vendor that
-- does not report an outcome (sql/README.md, "conversations") is left out of that rate's denominator, never
-- counted as a no. An empty denominator gives NULL.
--   contacts                 COUNT(*) of conversations.
--   bot_containment_rate     handled_by_bot_only = TRUE / conversations where handled_by_bot_only is known.
--   escalation_rate          escalated = TRUE / conversations where escalated is known.
--   transfer_rate            transferred = TRUE / conversations where transferred is known.
--   resolution_rate          resolved = TRUE / conversations where resolved is known.
--   avg_handle_time_seconds  AVG(duration_seconds) over conversations with a duration (start to end; the
--                            vendors report no after-contact work, so this is talk or chat time).
--   avg_customer_sentiment   AVG(customer_sentiment), in [-1, 1], over conversations that have one.
CREATE OR REPLACE VIEW conversation_metrics AS
SELECT
  day,
  channel,
  COUNT(*) AS contacts,
  1.0 * SUM(CASE WHEN handled_by_bot_only THEN 1 ELSE 0 END) / NULLIF(COUNT(handled_by_bot_only), 0)
    AS bot_containment_rate,
  1.0 * SUM(CASE WHEN escalated THEN 1 ELSE 0 END) / NULLIF(COUNT(escalated), 0) AS escalation_rate,
  1.0 * SUM(CASE WHEN transferred THEN 1 ELSE 0 END) / NULLIF(COUNT(transferred), 0) AS transfer_rate,
  1.0 * SUM(CASE WHEN resolved THEN 1 ELSE 0 END) / NULLIF(COUNT(resolved), 0) AS resolution_rate,
  AVG(duration_seconds) AS avg_handle_time_seconds,
  AVG(customer_sentiment) AS avg_customer_sentiment
FROM conversations
GROUP BY day, channel;
