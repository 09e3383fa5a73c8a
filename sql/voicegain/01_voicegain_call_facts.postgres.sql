-- voicegain_call_facts: one row per call, with the per-call flags the metric views aggregate.
--
-- Grain:   one row per call (call_id), from voicegain_calls (merged on call_id, so a re-exported call appears once).
-- Sources: voicegain_calls.
-- Columns:
--   call_date        the calendar day of start_time in the reporting time zone: the
--                    zone given to `parley views apply --reporting-time-zone` (default UTC), never the session's.
--   is_repeat_call   daily_repeat_calls > 0 (calls between the same two endpoints in the prior 24 hours);
--                    NULL when the vendor gave no count (calls that ended in ERROR carry no analytics).
--   is_transfer      the call was transferred out: its markers contain WARM_TRANSFER_SUCCESS (a completed warm
--                    transfer; WARM_TRANSFER_START without SUCCESS is an abandoned attempt and does not count), or it
--                    launched other calls (spawned_calls not empty). originating_call_id marks the leg a transfer
--                    created and is deliberately not a signal, so each transfer counts once, on the call that made it.
--                    spawned_calls is only in the JSON export: loaded from CSV, transfers come from markers alone.
--   Other columns are copied from voicegain_calls.
-- Dialects: JSON list access differs, so this view has a variant per dialect; the views built on it are portable.

CREATE OR REPLACE VIEW voicegain_call_facts AS
SELECT
  call_id,
  CAST(start_time AT TIME ZONE '__PARLEY_REPORTING_TIME_ZONE__' AS DATE) AS call_date,
  start_time,
  queue_id,
  queue_name,
  agent_id,
  agent_name,
  direction,
  duration,
  sentiment,
  call_resolved,
  daily_repeat_calls,
  daily_repeat_calls > 0 AS is_repeat_call,
  score,
  incidents,
  progress_phase,
  originating_call_id,
  COALESCE(markers @> '[{"type": "WARM_TRANSFER_SUCCESS"}]'::jsonb, FALSE)
    OR COALESCE(jsonb_array_length(spawned_calls) > 0, FALSE) AS is_transfer
FROM voicegain_calls;
