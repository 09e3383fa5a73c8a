{#- The reporting time zone of the metric models, as a quoted SQL literal: the var parley_reporting_time_zone
    (an IANA name such as 'Europe/Berlin'; default 'UTC'). It is checked here because it lands in SQL. -#}
{% macro parley_reporting_time_zone() %}
  {%- set zone = var('parley_reporting_time_zone', 'UTC') -%}
  {%- if not modules.re.match('^(UTC|[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+)$', zone) -%}
    {{ exceptions.raise_compiler_error("var parley_reporting_time_zone must be an IANA time zone name such as 'Europe/Berlin', got '" ~ zone ~ "'") }}
  {%- endif -%}
  '{{ zone }}'
{%- endmacro %}
