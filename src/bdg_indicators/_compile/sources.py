"""Sources: where a target, goal, chỉ tiêu or amendment comes from, and how far that was checked.

The level must be supported by what it claims: ``official`` names the official text it was
checked against, ``secondary`` the source the wording was seen in. The former key ``status``
is refused with what to write instead, since its ``verified`` meant either.
"""

from __future__ import annotations

from bdg_indicators._document import SourceDoc
from bdg_indicators.spec import Source, Verification

from .context import Context
from .merge import Located, Path

__all__ = ["source"]


def source(
    ctx: Context, doc: SourceDoc, entry: Located, path: Path, amendment: str | None = None
) -> Source | None:
    """The compiled source at ``path`` of ``entry``, or ``None`` after reporting why not."""
    if doc.status is not None:
        ctx.error(
            "verification-renamed",
            "`status` is now `verification`",
            entry.at(*path, "status", key=True),
            "write `verification: secondary` with `seen_in: <where the wording was seen>` (or "
            "`official` with `checked_against`, only if the official text itself was read)",
        )
        return None
    if doc.verification is None:
        ctx.error(
            "verification-missing",
            "the source says nothing of how far it was checked",
            entry.at(*path, "clause", key=True),
            "add `verification: official | secondary | paraphrase | unverified`",
        )
        return None
    level = Verification(doc.verification)
    if level is Verification.OFFICIAL and not doc.checked_against:
        ctx.error(
            "verification-unsupported",
            "`official` needs the official text it was checked against",
            entry.at(*path, "verification"),
            "add `checked_against: <Công báo number and page, or the issuer's publication>`, "
            "or write `secondary` with `seen_in`",
        )
        return None
    if level is Verification.SECONDARY and not (doc.seen_in or doc.url):
        ctx.error(
            "verification-unsupported",
            "`secondary` needs the source the wording was seen in",
            entry.at(*path, "verification"),
            "add `seen_in: <the site or publication>` (and `url:`)",
        )
        return None
    return Source(
        clause=doc.clause,
        verification=level,
        wording=doc.wording,
        note=doc.note,
        amendment=amendment,
        url=doc.url,
        seen_in=doc.seen_in,
        checked_against=doc.checked_against,
    )
