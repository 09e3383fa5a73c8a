-- ultimate_export_days: which export days are in the warehouse, per bot, so a missing day is visible.
--
-- Grain:   one row per bot_id and export_date (the UTC day of the export file) that has conversations loaded.
-- Sources: ultimate_conversations: export_date and _parley_loaded_at, as the connector stored them with each
--          conversation. A day whose file held no conversation (or that the API answered 404, "no export") has no
--          row, exactly like a day never loaded: both show as a gap.
-- Columns:
--   conversations         distinct conversation_id from that export day
--   loaded_at             when that day's conversations were last written (the latest run that read the day; a
--                         day read again by the connector's lookback shows the later run)
--   previous_export_date  the bot's loaded export day before this one (NULL for the first)
--   missing_days_before   export days between the two that are not loaded (0 when none is missing), so a gap in
--                         the middle shows as a number on the day after it
-- Dialects: day arithmetic differs; this is the BigQuery form (DATE_DIFF).
CREATE OR REPLACE VIEW ultimate_export_days AS
SELECT
  bot_id,
  export_date,
  conversations,
  loaded_at,
  previous_export_date,
  DATE_DIFF(export_date, previous_export_date, DAY) - 1 AS missing_days_before
FROM (
  SELECT
    bot_id,
    export_date,
    COUNT(DISTINCT conversation_id) AS conversations,
    MAX(_parley_loaded_at) AS loaded_at,
    LAG(export_date) OVER (PARTITION BY bot_id ORDER BY export_date) AS previous_export_date
  FROM ultimate_conversations
  WHERE export_date IS NOT NULL
  GROUP BY bot_id, export_date
) AS days;
