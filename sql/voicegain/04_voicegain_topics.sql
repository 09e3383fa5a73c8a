-- voicegain_topics: how often each detected topic (intent) comes up per day, and how callers felt on those calls.
--
-- Grain:   one row per (call_date, topic). call_date is the calendar day of start_time in the reporting time zone (see voicegain_call_facts).
-- Sources: voicegain_call_topics (02): one row per call and topic from voicegain_calls.topics; calls without topics
--          (ERROR calls, calls not yet analysed) do not appear.
-- Metrics:
--   calls          COUNT(*) of calls that list the topic (a call with several topics counts once under each).
--   avg_sentiment  AVG(sentiment) over those calls that have a caller sentiment (-1..1).
CREATE OR REPLACE VIEW voicegain_topics AS
SELECT
  call_date,
  topic,
  COUNT(*) AS calls,
  AVG(sentiment) AS avg_sentiment
FROM voicegain_call_topics
GROUP BY call_date, topic;
