-- voicegain_call_topics: one row per call and detected topic (intent).
--
-- Grain:   (call_id, topic); a topic listed twice on one call counts once.
-- Sources: voicegain_calls (topics is a JSON list of strings; calls without topics have no rows).
-- Columns: call_date is the calendar day of start_time in the reporting time zone (set by `parley views apply --reporting-time-zone`, default UTC; never the session's); sentiment is the call's caller sentiment (-1..1).
-- Dialects: unnesting a JSON list differs, so this view has a variant per dialect.

CREATE OR REPLACE VIEW voicegain_call_topics AS
SELECT DISTINCT call_id, call_date, topic, sentiment
FROM (
  SELECT call_id, CAST(start_time AT TIME ZONE '__PARLEY_REPORTING_TIME_ZONE__' AS DATE) AS call_date, sentiment, UNNEST(json_extract_string(topics, '$[*]')) AS topic
  FROM voicegain_calls
  WHERE topics IS NOT NULL
) AS listed;
