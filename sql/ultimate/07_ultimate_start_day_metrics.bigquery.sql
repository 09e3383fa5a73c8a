-- ultimate_start_day_metrics: the summary metrics by the day conversations STARTED, as the AI agent dashboard
-- counts them, with whether the day can still change.
--
-- Grain:   one row per bot_id and day (calendar day of conversation_start_time in the reporting time zone, the zone
--          given to `parley views apply --reporting-time-zone`, default UTC; never the querying session's).
-- Sources: ultimate_scoped_metrics (01), day_basis 'start', scope 'dashboard' (bot_messages_count > 0, the seeds'
--          rule for dashboard parity); every metric column is defined in 01's header. ultimate_export_days (06) for
--          the loaded export days; _parley_state for the lookback the Ultimate connector stores in its state.
-- Why start days need more than one file: the export of (UTC) day x holds the conversations that ENDED on x, so
-- the conversations that started on day D arrive in the files of D, D+1 and, for conversations that run longer
-- (email), later days (seeds 003/004 FAQ: "ingest the file for day x and day x + 1").
--   lookback_days               the connector's configured lookbackDays (the largest over the Ultimate sources),
--                               at least 1; 1 when no state stores it (local-files mode, older state): D and D+1.
--   first_required_export_date  the UTC day on which local day D starts (D itself when the reporting zone is UTC)
--   last_required_export_date   the UTC day on which local day D ends, plus lookback_days
--   is_final                    TRUE only when every export day from first_ to last_required_export_date is loaded
--                               for the bot (has a row in ultimate_export_days); until then the row can still grow.
--                               A day whose export held no conversation has no row there, so it keeps its start
--                               days not final: check ultimate_export_days.
-- Dialects: DuckDB and PostgreSQL read the state with ->> and shift days with AT TIME ZONE (portable file);
--          this BigQuery form uses JSON_VALUE, TIMESTAMP(date, zone), DATE_ADD and DATE_DIFF.
CREATE OR REPLACE VIEW ultimate_start_day_metrics AS
WITH lookback AS (
  SELECT GREATEST(COALESCE(MAX(CAST(JSON_VALUE(state, '$.lookbackDays') AS INT64)), 1), 1) AS days
  FROM _parley_state
  WHERE stream = 'conversations' AND JSON_VALUE(state, '$.lookbackDays') IS NOT NULL
),
start_days AS (
  SELECT
    metrics.*,
    lookback.days AS lookback_days,
    DATE(TIMESTAMP(metrics.day, '__PARLEY_REPORTING_TIME_ZONE__'), 'UTC') AS first_required_export_date,
    DATE_ADD(
      DATE(
        TIMESTAMP_SUB(
          TIMESTAMP(DATE_ADD(metrics.day, INTERVAL 1 DAY), '__PARLEY_REPORTING_TIME_ZONE__'),
          INTERVAL 1 SECOND
        ),
        'UTC'
      ),
      INTERVAL lookback.days DAY
    ) AS last_required_export_date
  FROM ultimate_scoped_metrics AS metrics
  CROSS JOIN lookback
  WHERE metrics.scope = 'dashboard' AND metrics.day_basis = 'start' AND metrics.day IS NOT NULL
)
SELECT
  bot_id,
  day,
  total_conversations,
  bot_handled_conversations,
  bot_handled_rate,
  deflection_rate,
  escalation_rate,
  failed_escalation_rate,
  informed_rate,
  automation_rate,
  messages_understood_rate,
  lookback_days,
  first_required_export_date,
  last_required_export_date,
  (
    SELECT COUNT(*)
    FROM ultimate_export_days AS loaded
    WHERE loaded.bot_id = start_days.bot_id
      AND loaded.export_date BETWEEN start_days.first_required_export_date AND start_days.last_required_export_date
  ) = DATE_DIFF(last_required_export_date, first_required_export_date, DAY) + 1 AS is_final
FROM start_days;
