-- voicegain_call_topics: one row per call and detected topic (intent).
--
-- Grain:   (call_id, topic); a topic listed twice on one call counts once.
-- Sources: voicegain_calls (topics is a JSON list of strings; calls without topics have no rows).
-- Columns: call_date is the calendar day of start_time in the reporting time zone (set by `parley views apply --reporting-time-zone`, default UTC; never the session's); sentiment is the call's caller sentiment (-1..1).
-- Dialects: unnesting a JSON list differs, so this view has a variant per dialect.

CREATE OR REPLACE VIEW voicegain_call_topics AS
SELECT DISTINCT calls.call_id, DATE(calls.start_time, '__PARLEY_REPORTING_TIME_ZONE__') AS call_date, topic, calls.sentiment
FROM voicegain_calls AS calls, UNNEST(JSON_VALUE_ARRAY(calls.topics)) AS topic;
