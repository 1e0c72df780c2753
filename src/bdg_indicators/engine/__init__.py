"""The engine: one lazy plan over the observations table, on integer ids, written against
Narwhals (Polars by default, DuckDB too), from series values to verdicts.

```text
plan        what each target computes: series, scopes, variants (indicators inlined, units
            converted), planned once per indicator and breakdown
catalogue   integer ids of org units, periods, scopes, variants, targets
rollup      series values at every org unit: reported, made of parts, summed up the tree over
            the same org units, with coverage
values      the variants' exact values (formulas compiled to integer columns), shares, reasons
expressions formulas to exact column expressions, with bounds against overflow
schedule    the milestone governing each target and period, as small tables
history     earlier values: previous period, same period of the previous year, baselines
judge       the verdicts, by the rules
progress    Open SDG's growth methods in columns, settled exactly where floats cannot decide
table       the result table people and programs read
backend     Polars or DuckDB
evaluate    the whole plan
```
"""
