"""Values of every variant at every org unit and period, exactly, with reasons and coverage.

For a variant (an indicator as a target evaluates it) the grid of org units and periods is
joined with its scope's rolled-up series and with its shares, and the compiled formula gives an
exact numerator and denominator (``vn``, ``vd``) or no value with the reason
(``reason_code``, ``reason_subject``). When some observation is a bound, ``vb`` is the value's
bound (bits of [`rules.bounds`][bdg_indicators.rules.bounds]): each input's bound carried
through the formula's sign in it, found once per variant
([`monotonic`][bdg_indicators.engine.plan.monotonic]); a share is ``about`` when some member it
counts reads a bound.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from bdg_indicators.observations import Observations
from bdg_indicators.rules.bounds import ABOUT, through, union, unknown_members
from bdg_indicators.rules.rational import Magnitude, Ratio
from bdg_indicators.spec import Aggregation, Coverage, Spec

from .backend import Backend
from .catalogue import Catalogue
from .expressions import Compiler, Condition, Exact, combine
from .plan import Scope, Share, ShareOf, monotonic
from .rollup import REPORTED, SUMMED, bit_columns

__all__ = ["share_values", "variant_values"]


def slot_values(scope: Scope, observations: Observations, spec: Spec) -> list[Exact]:
    """The exact value of each slot of a scope: ``x{j}`` over ``10**scale`` (counts are never
    negative: reading rejects negative counts)."""
    from bdg_indicators.units import dimension_of

    result = []
    for j, series in enumerate(scope.series):
        scale = 10 ** observations.scales.get(series.item, 0)
        total = max(observations.totals.get(series.item, 0), 1)
        counts = dimension_of(spec.data_item(series.item).unit) == (("[count]", 1),)
        result.append(
            Exact(
                Ratio(nw.col(f"x{j}"), scale),
                Ratio(Magnitude(total), Magnitude(scale)),
                nonnegative=counts,
            )
        )
    return result


def _missing(scope: Scope, cat: Catalogue, columns: dict[str, nw.Expr]) -> tuple[nw.Expr, nw.Expr]:
    """(code, subject) of the first missing series of an incomplete row."""
    mask = columns["mask"]
    code: Any = nw.lit(None, nw.String)
    subject: Any = nw.lit(None, nw.String)
    summable = all(
        cat.spec.data_item(s.item).aggregation is not Aggregation.NONE for s in scope.series
    )
    for j in reversed(range(len(scope.series))):
        absent = (mask // (1 << j)) % 2 == 0
        name = str(scope.series[j])
        not_summed = (
            not summable
            and cat.spec.data_item(scope.series[j].item).aggregation is Aggregation.NONE
        )
        code = (
            nw.when(absent)
            .then(
                nw.when(columns["has_children"] & nw.lit(not_summed))
                .then(nw.lit("not-summed"))
                .otherwise(nw.lit("missing-series"))
            )
            .otherwise(code)
        )
        subject = nw.when(absent).then(nw.lit(name)).otherwise(subject)
    return code, subject


def _grid(cat: Catalogue, backend: Backend) -> nw.LazyFrame[Any]:
    units = backend.table({"ou": list(range(len(cat.org_units.codes)))}, {"ou": nw.Int32})
    periods = backend.table({"per": list(cat.result_periods)}, {"per": nw.Int32})
    children = backend.table(
        {
            "ou": list(range(len(cat.org_units.codes))),
            "has_children": [
                bool(cat.org_units.children.get(u)) for u in range(len(cat.org_units.codes))
            ],
        },
        {"ou": nw.Int32, "has_children": nw.Boolean},
    )
    return units.join(periods, how="cross").join(children, on="ou")


def _scope_rows(
    cat: Catalogue,
    scope_id: int,
    values: nw.LazyFrame[Any],
    shares: dict[int, Any],
    backend: Backend,
    bounded: bool = False,
) -> nw.LazyFrame[Any]:
    """The grid of one scope: its rolled-up series and the shares it counts (with their bound
    bits when ``bounded``)."""
    scope = cat.scopes[scope_id]
    slots = [f"x{j}" for j in range(len(scope.series))]
    slots += bit_columns(len(scope.series), bounded)
    rows = values.filter(nw.col("scope") == scope_id).select(
        "ou", "per", "how", "mask", *slots, "used", "expected", "children"
    )
    frame = _grid(cat, backend).join(rows, on=["ou", "per"], how="left")
    names = ("n", "d", "known", "members", "code", "subject", *(("bd", "nu") if bounded else ()))
    for k, share in enumerate(scope.shares):
        table = shares[_share_index(cat, share)].rename({c: f"sh{k}_{c}" for c in names})
        frame = frame.join(backend.lazy(table), on=["ou", "per"], how="left")
    return frame.with_columns(nw.col("mask").fill_null(0))


def _share_index(cat: Catalogue, share: Share) -> int:
    return [s for s, _ in cat.shares].index(share)


def _share_exacts(scope: Scope, units: int) -> list[Exact]:
    bound = Ratio(Magnitude(max(units, 1)), Magnitude(max(units, 1)))
    return [
        Exact(Ratio(nw.col(f"sh{k}_n"), nw.col(f"sh{k}_d")), bound, nonnegative=True)
        for k in range(len(scope.shares))
    ]


def share_values(
    cat: Catalogue, observations: Observations, values: nw.LazyFrame[Any], backend: Backend
) -> dict[int, Any]:
    """Every share, innermost first: for each org unit and period, the members meeting the
    condition (``n``) among those in the population (``d``), the members whose status is known
    (``known``) of the members below (``members``), and the reason when there is no value."""
    import polars as pl

    bounded = observations.bounded
    tables: dict[int, Any] = {}
    for index, (share, scope_id) in enumerate(cat.shares):
        scope = cat.scopes[scope_id]
        frame = _scope_rows(cat, scope_id, values, tables, backend, bounded)
        compiler = Compiler(
            slots=slot_values(scope, observations, cat.spec),
            shares=_share_exacts(scope, len(cat.org_units.codes)),
            names=[str(s) for s in scope.series],
            what=share.text,
        )
        condition = compiler.condition(share.condition)
        population = None if share.among is None else compiler.condition(share.among)
        # a member is known only where no reason holds (as an indicator has a value only
        # then): a zero denominator is unknown even inside an `or` that another part decides
        why, reasons = _member_reasons(scope, compiler)
        decided = why.is_null()
        meets = nw.when(decided).then(condition)
        among = nw.lit(True) if population is None else nw.when(decided).then(population)
        members = [u for u, level in enumerate(cat.org_units.levels) if level == share.level]
        pairs: dict[str, list[int]] = {"member": [], "ou": []}
        for member in members:
            for unit in (member, *cat.org_units.ancestors(member)):
                pairs["member"].append(member)
                pairs["ou"].append(unit)
        links = backend.table(pairs, {"member": nw.Int32, "ou": nw.Int32})
        bits: list[nw.Expr] = []
        if bounded:  # a member counted with a bound makes the share's count a bound
            read = [nw.col(b) for b in bit_columns(len(scope.series), True)]
            read += [nw.col(f"sh{k}_bd") for k in range(len(scope.shares))]
            bound = (union(*read) != 0) if read else nw.lit(False)
            bits = [nw.when(decided & bound).then(ABOUT).otherwise(0).alias("bd")]
        flags = frame.select(
            nw.col("ou").alias("member"),
            "per",
            among.alias("among"),
            meets.alias("meets"),
            why.alias("why"),
            *bits,
        ).join(links, on="member", how="inner")
        inside = nw.col("among").fill_null(False)
        known = ~nw.col("among").is_null() & (~nw.col("among") | ~nw.col("meets").is_null())
        counted = backend.collect(
            flags.with_columns(
                (inside & nw.col("meets").fill_null(False)).cast(nw.Int64).alias("n"),
                (inside & ~nw.col("meets").is_null()).cast(nw.Int64).alias("d"),
                known.cast(nw.Int64).alias("known"),
            )
            .group_by("ou", "per")
            .agg(
                nw.col("n").sum(),
                nw.col("d").sum(),
                nw.col("known").sum(),
                nw.len().cast(nw.Int64).alias("members"),
                nw.col("why").min(),
                *([nw.col("bd").max()] if bounded else []),
            )
        )
        codes = [code for code, _ in reasons] or ["missing-series"]
        subjects = [subject for _, subject in reasons] or [share.level]
        unknown = pl.col("why").fill_null(0)  # when no member is known, some reason holds
        counted = _unknown_members(counted, bounded)
        tables[index] = counted.with_columns(
            pl.when(pl.col("known") == 0)
            .then(unknown.replace_strict(range(len(codes)), codes, return_dtype=pl.String))
            .when(pl.col("d") == 0)
            .then(pl.lit("share-empty"))
            .alias("code"),
            pl.when(pl.col("known") == 0)
            .then(unknown.replace_strict(range(len(codes)), subjects, return_dtype=pl.String))
            .when(pl.col("d") == 0)
            .then(pl.lit(share.level))
            .alias("subject"),
            pl.col("n").cast(pl.Int64),
            pl.col("d").cast(pl.Int64),
            *([pl.col("bd").fill_null(0).cast(pl.Int64)] if bounded else []),
        ).select(
            "ou",
            "per",
            "n",
            "d",
            "known",
            "members",
            "code",
            "subject",
            *(["bd", "nu"] if bounded else []),
        )
    return tables


def _unknown_members(counted: Any, bounded: bool) -> Any:
    """Members whose status is unknown stay in the denominator: the share counts them as not
    meeting the condition, and its value is then a lower bound (the true share is at least
    ``n / (d + unknown)``, at most ``(n + unknown) / (d + unknown)``): see
    [`rules.bounds.unknown_members`][bdg_indicators.rules.bounds.unknown_members]."""
    frame = nw.from_native(counted, eager_only=True)
    unknown = nw.col("members") - nw.col("known")
    columns = [(nw.col("d") + unknown).alias("d"), (nw.col("n") + unknown).alias("nu")]
    if bounded:
        columns.append(unknown_members(nw.col("bd").fill_null(0), unknown).alias("bd"))
    return frame.with_columns(*columns).to_native()


def _member_reasons(scope: Scope, compiler: Compiler) -> tuple[nw.Expr, list[tuple[str, str]]]:
    """Why a member's status is unknown, as the index of the first reason that holds (null:
    none holds, the member is known), and the (code, subject) of each index, in the order an
    indicator's reasons are checked: a missing series, an inner share without a value (named
    by its first series), a reason of the compiled conditions (a zero denominator)."""
    mask = nw.col("mask")
    found: list[tuple[nw.Expr, tuple[str, str]]] = [
        ((mask // (1 << j)) % 2 == 0, ("missing-series", str(series)))
        for j, series in enumerate(scope.series)
    ]
    for k, inner in enumerate(scope.shares):
        subject = str(inner.scope.series[0]) if inner.scope.series else inner.level
        unknown = ~nw.col(f"sh{k}_code").is_null() | nw.col(f"sh{k}_n").is_null()
        found.append((unknown, ("missing-series", subject)))
    for reason in compiler.reasons:
        found.append((reason.when.fill_null(False), (reason.code, reason.subject)))
    why: Any = nw.lit(None, nw.Int32)
    for i in reversed(range(len(found))):
        why = nw.when(found[i][0]).then(nw.lit(i, nw.Int32)).otherwise(why)
    return why, [reason for _, reason in found]


def variant_values(
    cat: Catalogue,
    observations: Observations,
    values: nw.LazyFrame[Any],
    shares: dict[int, Any],
    expected: nw.LazyFrame[Any],
    backend: Backend,
) -> tuple[nw.LazyFrame[Any], Exact]:
    """One row per variant, org unit and period: ``vn / vd`` exactly, or the reason; and a
    bound of every ``vn`` and ``vd``."""
    made = []
    criteria = max((len(v.criteria) for v in cat.variants), default=0)
    bounded = observations.bounded
    for xid, variant in enumerate(cat.variants):
        scope_id = cat.scope_id(variant.scope)
        frame = _scope_rows(cat, scope_id, values, shares, backend, bounded).join(
            expected.filter(nw.col("scope") == scope_id).select(
                "ou", nw.col("expected").alias("tree_expected")
            ),
            on="ou",
            how="left",
        )
        made.append(_variant(cat, observations, xid, variant, frame, criteria))
    wide = any(exact.wide for _, exact in made)
    dtype = nw.Int128 if wide else nw.Int64
    units, periods = len(cat.org_units.codes), len(cat.periods.periods)
    group = nw.col("xid").cast(nw.Int64) * units + nw.col("ou")
    frames = [
        frame.with_columns(
            nw.col("vn").cast(dtype),
            nw.col("vd").cast(dtype),
            group.alias("g"),
            (group * periods + nw.col("per")).alias("k"),
        )
        for frame, _ in made
    ]
    largest = Ratio(
        Magnitude(max((e.bound.n.m for _, e in made), default=1)),
        Magnitude(max((e.bound.d.m for _, e in made), default=1)),
    )
    return nw.concat(frames, how="vertical"), Exact(
        Ratio(nw.col("vn"), nw.col("vd")), largest, wide
    )


def _value(cat: Catalogue, observations: Observations, variant: Any) -> tuple[Exact, Compiler]:
    """The variant's exact value in the indicator's unit (a yes/no indicator: 1 or 0)."""
    scope = variant.scope
    compiler = Compiler(
        slots=slot_values(scope, observations, cat.spec),
        shares=_share_exacts(scope, len(cat.org_units.codes)),
        names=[str(s) for s in scope.series],
        what=f"indicator `{variant.indicator.id}`",
    )
    result = compiler.value(variant.root)
    if isinstance(result, Condition):
        yes = nw.when(result.expr).then(1).otherwise(0)
        known = nw.when(~result.expr.is_null()).then(yes)
        return Exact(Ratio(known, 1), Ratio(Magnitude(1), Magnitude(1))), compiler
    exact = combine(lambda v: v.scaled(variant.indicator.factor), (result,), compiler.what)
    return exact, compiler


Reasons = list[tuple[nw.Expr, nw.Expr, nw.Expr]]


def _reasons(cat: Catalogue, variant: Any, compiler: Compiler) -> Reasons:
    """Where the value is missing and why, in order: a missing series, a share without a
    value, a zero denominator, incomplete coverage when complete coverage is required."""
    scope = variant.scope
    complete = nw.col("mask") == (1 << len(scope.series)) - 1
    missing_code, missing_subject = _missing(
        scope, cat, {"mask": nw.col("mask"), "has_children": nw.col("has_children")}
    )
    codes: Reasons = [(~complete, missing_code, missing_subject)]
    for k, share in enumerate(scope.shares):
        if cat.org_units.tree is None:
            codes.append((nw.lit(True), nw.lit("share-needs-tree"), nw.lit(share.level)))
            continue
        codes.append(
            (
                ~nw.col(f"sh{k}_code").is_null() | nw.col(f"sh{k}_n").is_null(),
                nw.coalesce(nw.col(f"sh{k}_code"), nw.lit("share-empty")),
                nw.coalesce(nw.col(f"sh{k}_subject"), nw.lit(share.level)),
            )
        )
    for reason in compiler.reasons:
        codes.append((reason.when, nw.lit(reason.code), nw.lit(reason.subject)))
    used, expected = _coverage(scope)
    if variant.indicator.coverage is Coverage.COMPLETE:
        shown = nw.concat_str([used.cast(nw.String), nw.lit("/"), expected.cast(nw.String)])
        codes.append((used < expected, nw.lit("incomplete-coverage"), shown))
    return codes


def _first(codes: Reasons) -> tuple[Any, Any]:
    """The code and subject of the first reason that holds."""
    code: Any = nw.lit(None, nw.String)
    subject: Any = nw.lit(None, nw.String)
    for when, this_code, this_subject in reversed(codes):
        code = nw.when(when.fill_null(False)).then(this_code).otherwise(code)
        subject = nw.when(when.fill_null(False)).then(this_subject).otherwise(subject)
    return code, subject


def _criteria(observations: Observations, variant: Any, count: int) -> list[nw.Expr]:
    """The criteria of a score rule: ``c{i}_n / c{i}_d`` (null beyond the variant's own)."""
    columns = []
    for i in range(count):
        if i < len(variant.criteria):
            j = variant.criteria[i]
            scale = 10 ** observations.scales.get(variant.scope.series[j].item, 0)
            columns += [
                nw.col(f"x{j}").cast(nw.Int64).alias(f"c{i}_n"),
                nw.lit(scale, nw.Int64).alias(f"c{i}_d"),
            ]
        else:
            columns += [
                nw.lit(None, nw.Int64).alias(f"c{i}_n"),
                nw.lit(None, nw.Int64).alias(f"c{i}_d"),
            ]
    return columns


def _variant(
    cat: Catalogue,
    observations: Observations,
    xid: int,
    variant: Any,
    frame: nw.LazyFrame[Any],
    criteria: int,
) -> tuple[nw.LazyFrame[Any], Exact]:
    exact, compiler = _value(cat, observations, variant)
    code, subject = _first(_reasons(cat, variant, compiler))
    used, expected = _coverage(variant.scope)
    # the reason first, so that the value's expression refers to it instead of repeating it
    keep = nw.col("reason_code").is_null()
    made = frame.with_columns(code.alias("reason_code")).select(
        nw.lit(xid, nw.Int32).alias("xid"),
        "ou",
        "per",
        nw.when(keep).then(exact.value.n).alias("vn"),
        nw.when(keep).then(exact.value.d).alias("vd"),
        "reason_code",
        nw.when(~keep).then(subject).alias("reason_subject"),
        _how(cat, variant.scope, keep).cast(nw.Int8).alias("how"),
        used.cast(nw.Int64).alias("used"),
        expected.cast(nw.Int64).alias("expected"),
        nw.col("children").fill_null(0).cast(nw.Int64).alias("children"),
        ((used < expected) & keep).fill_null(False).alias("partial"),
        *_criteria(observations, variant, criteria),
        *(_bound_bits(cat, variant, keep) if observations.bounded else []),
        *(_most(variant, keep) if observations.bounded else []),
    )
    return made, exact


def _most(variant: Any, keep: nw.Expr) -> list[nw.Expr]:
    """For an indicator that is one share (``share(achieved("1.1"), level=commune)``): the most
    its value can be (``un / ud``), counting the members whose status is unknown as meeting the
    condition; with ``vn / vd``, the least, the true value lies between. Null otherwise."""
    if not isinstance(variant.root, ShareOf):
        return [nw.lit(None, nw.Int64).alias("un"), nw.lit(None, nw.Int64).alias("ud")]
    k = variant.root.index
    most = Ratio(nw.col(f"sh{k}_nu"), nw.col(f"sh{k}_d")).scaled(variant.indicator.factor)
    return [
        nw.when(keep).then(most.n).cast(nw.Int64).alias("un"),
        nw.when(keep).then(most.d).cast(nw.Int64).alias("ud"),
    ]


def _bound_bits(cat: Catalogue, variant: Any, keep: nw.Expr) -> list[nw.Expr]:
    """The value's bound (``vb``; null without a value) and that of its criteria (``cb``)."""
    signs = monotonic(variant.root, variant.scope, cat.spec)
    inputs = [
        through(nw.col(f"b{index}" if kind == "slot" else f"sh{index}_bd"), sign)
        for (kind, index), sign in sorted(signs.items())
    ]
    value = union(*inputs) if inputs else nw.lit(0)
    criteria = [nw.col(f"b{j}") for j in variant.criteria]
    return [
        nw.when(keep).then(value).cast(nw.Int64).alias("vb"),
        (union(*criteria) if criteria else nw.lit(0)).fill_null(0).cast(nw.Int64).alias("cb"),
    ]


def _how(cat: Catalogue, scope: Scope, keep: nw.Expr) -> nw.Expr:
    """How the value was obtained: that of its series; for a formula of shares only, reported
    at an org unit of the share's level (it counts itself), else summed (it counts those below)."""
    if scope.series or not scope.shares:
        return nw.col("how").fill_null(0)
    level = scope.shares[0].level
    members = [u for u, found in enumerate(cat.org_units.levels) if found == level]
    counted = nw.when(nw.col("ou").is_in(members)).then(REPORTED).otherwise(SUMMED)
    return nw.when(keep).then(counted).otherwise(0)


def _coverage(scope: Scope) -> tuple[nw.Expr, nw.Expr]:
    """Org units used and expected: of the series if the scope has any, else of its shares."""
    if scope.series:
        return nw.col("used").fill_null(0), nw.col("tree_expected").fill_null(0)
    if scope.shares:
        return nw.col("sh0_known").fill_null(0), nw.col("sh0_members").fill_null(0)
    return nw.lit(0), nw.lit(0)
