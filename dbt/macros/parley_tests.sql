{#- Generic tests of the metric models (dbt_utils is not required, so the package installs offline). -#}

{#- No two rows share the model's grain (NULL grain values compare equal, as GROUP BY groups them). -#}
{% test parley_unique_grain(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_this_grain
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- A rate is a fraction in [0, 1] (NULL where its denominator is empty). -#}
{% test parley_fraction(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
