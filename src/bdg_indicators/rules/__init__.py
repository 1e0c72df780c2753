"""The semantics, written once: comparisons, change, progress, which milestone governs a
period, and the status ladder.

Rules are functions over *carriers*: Python integers (one value, exactly), Narwhals column
expressions (every row at once) or magnitudes (bounds, to size integer columns before they are
computed). The engine evaluates them on columns; public helpers such as
[`compare`][bdg_indicators.compare] on single values; explanations read what the engine
computed. Rules know nothing of the engine, of data or of outputs.

```text
rational     exact numbers: numerator and positive denominator, on any carrier
comparisons  at least, more than, at most, less than, about, between, equals (one table)
change       the goal of a change target; change against an earlier period
milestones   which milestone governs a period; stock, rate or flow
progress     linear trajectory; Open SDG methods 1 and 2, decided exactly
bounds       figures that are bounds ("trên", "gần", "khoảng"): through sums and formulas, to
             the verdicts they settle
verdicts     the status ladder
statuses     the six statuses and every reason, in Vietnamese and English
```
"""
