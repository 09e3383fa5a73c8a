-- ccai_issue_metrics
-- Grain: one row per day (reporting time zone) and issue (issue model id, issue id, issue display name).
-- Sources: ccai_conversations, its "issues" json list ([{name, score, issueModelId, issueId}] of the latest analysis).
-- Day: the calendar date of "startTimestamp", else "loadTimestamp", in the reporting time zone, as in
--   ccai_conversation_metrics.
-- Metrics:
--   conversations        = distinct conversations whose latest analysis assigned the issue (any score).
--   avg_client_sentiment = mean of "clientSentimentScore" over those conversations that have one (each counted once).
-- Dialect variants: reading a json list differs in every dialect, so there is no portable file.
CREATE OR REPLACE VIEW ccai_issue_metrics AS
WITH assigned AS (
  SELECT DISTINCT
    c."conversationName" AS conversation_name,
    CAST(COALESCE(c."startTimestamp", c."loadTimestamp") AT TIME ZONE '__PARLEY_REPORTING_TIME_ZONE__' AS DATE) AS conversation_date,
    issue.value ->> 'issueModelId' AS issue_model_id,
    issue.value ->> 'issueId' AS issue_id,
    issue.value ->> 'name' AS issue_name,
    c."clientSentimentScore" AS client_sentiment
  FROM ccai_conversations AS c, json_each(c."issues") AS issue
)
SELECT
  conversation_date,
  issue_model_id,
  issue_id,
  issue_name,
  COUNT(*) AS conversations,
  AVG(client_sentiment) AS avg_client_sentiment
FROM assigned
GROUP BY conversation_date, issue_model_id, issue_id, issue_name
