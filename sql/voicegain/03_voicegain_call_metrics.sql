-- voicegain_call_metrics: call volume, handling and quality per day, queue and agent.
--
-- Grain:   one row per (call_date, queue_id, agent_id). call_date is the calendar day of start_time in the reporting time zone (see voicegain_call_facts). queue_id is NULL for
--          calls that went through no queue (outbound), agent_id for calls no agent took (abandoned in queue, voicebot only).
-- Sources: voicegain_call_facts (01), i.e. voicegain_calls, every exported call: DONE and ERROR. Calls still being
--          processed are never exported, so they are not here.
-- Metrics (rates are fractions in [0, 1]; NULL when the denominator is 0):
--   calls                 COUNT(*) of calls.
--   inbound_calls         calls with direction = 'inbound'.
--   outbound_calls        calls with direction = 'outbound'.
--   avg_duration_seconds  AVG(duration) over calls with a duration.
--   avg_sentiment         AVG(sentiment), the caller's average sentiment (-1..1), over calls that have one
--                         (ERROR calls carry no analytics).
--   resolution_rate       calls with call_resolved = TRUE / calls where call_resolved is known (not NULL: the vendor
--                         only reports it where call resolution detection is configured).
--   repeat_call_rate      calls with daily_repeat_calls > 0 / calls where daily_repeat_calls is known.
--   avg_qa_score          AVG(score) over calls with a QA (call review) score.
--   incidents_per_call    SUM(incidents) / calls where incidents is known (silence and overtalk incidents; analysed calls).
--   transfer_rate         calls with is_transfer / calls. is_transfer: markers contain WARM_TRANSFER_SUCCESS, or
--                         spawned_calls is not empty (see voicegain_call_facts); a transfer counts on the call that made it.
CREATE OR REPLACE VIEW voicegain_call_metrics AS
SELECT
  call_date,
  queue_id,
  agent_id,
  COUNT(*) AS calls,
  SUM(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END) AS inbound_calls,
  SUM(CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END) AS outbound_calls,
  AVG(1.0 * duration) AS avg_duration_seconds,
  AVG(sentiment) AS avg_sentiment,
  1.0 * SUM(CASE WHEN call_resolved THEN 1 ELSE 0 END) / NULLIF(COUNT(call_resolved), 0) AS resolution_rate,
  1.0 * SUM(CASE WHEN is_repeat_call THEN 1 ELSE 0 END) / NULLIF(COUNT(is_repeat_call), 0) AS repeat_call_rate,
  AVG(score) AS avg_qa_score,
  1.0 * SUM(incidents) / NULLIF(COUNT(incidents), 0) AS incidents_per_call,
  1.0 * SUM(CASE WHEN is_transfer THEN 1 ELSE 0 END) / NULLIF(COUNT(*), 0) AS transfer_rate
FROM voicegain_call_facts
GROUP BY call_date, queue_id, agent_id;
