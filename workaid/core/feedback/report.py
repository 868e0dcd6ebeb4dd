"""What the desks sent, as a report an owner can act on: plain data, JSON, or one HTML page.

The report is built from the outbox counters (outbox_read.OutboxData), the cards as
published (titles, versions, review dates) and the owner's answers to flags. It names
no desk: desk ids only ever become counts here.

Privacy rule: a query is shown only when at least two distinct desks typed it. A query
only one desk typed may still be a customer's name that slipped past the desk's
cleaning; two desks typing the same string independently makes that very unlikely.

The HTML page is self-contained (inline CSS and inline SVG charts drawn by pygal, with
pygal's JavaScript left out and its comments stripped), so it opens in any browser
without network access and can be mailed as one file.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from workaid.core.feedback.outbox_read import OutboxData, SentFlag

if TYPE_CHECKING:
    from workaid.core.distribution.keys import PublicKey

log = logging.getLogger("workaid.feedback")

MIN_DESKS = 2  # a query is shown only when at least this many desks sent it
TOP = 20  # rows in each ranked section
CHART_ROWS = 15


class AnswerLike(Protocol):
    """What the report reads of an owner's answer (content.answers.Answer)."""

    @property
    def flag_id(self) -> str: ...
    @property
    def card(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def version(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def by(self) -> str: ...
    @property
    def at(self) -> str: ...


@dataclass(frozen=True)
class CardInfo:
    id: str
    title: str
    version: int | None
    review_by: dt.date | None


# -- the report's rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryRow:
    query: str
    times: int
    desks: int


@dataclass(frozen=True)
class OpenRow:
    card: str
    title: str
    opens: int


@dataclass(frozen=True)
class FlaggedCard:
    card: str
    title: str
    open: int
    fixed: int
    answered: int
    reasons: dict[str, int]  # of the open flags


@dataclass(frozen=True)
class WeekRow:
    week: str
    reason: str
    level: int
    n: int


@dataclass(frozen=True)
class StaleRow:
    card: str
    title: str
    review_by: dt.date
    opens: int


@dataclass(frozen=True)
class PreventionRow:
    card: str
    title: str
    reason: str
    level: int
    recommended: int
    count: int


@dataclass(frozen=True)
class AuthorityRow:
    card: str
    title: str
    outcomes: dict[str, int]


@dataclass(frozen=True)
class FlagRow:
    """Flags with the same card, version, reason and comment, from any number of desks."""

    card: str
    title: str
    version: int
    current_version: int | None
    reason: str
    comment: str
    desks: int
    flag_ids: tuple[str, ...]
    status: str  # "open", "fixed" or "answered"
    answer: str  # the owner's words ("Fixed in version 4 by …"), "" while open
    first_at: str
    last_at: str


@dataclass(frozen=True)
class Report:
    today: dt.date
    since: dt.date | None
    first_day: dt.date | None
    last_day: dt.date | None
    desks: int
    day_records: int
    searches: int
    no_result: list[QueryRow]
    abandoned: list[QueryRow]
    withheld: int  # queries not shown: fewer than MIN_DESKS desks sent them
    most_opened: list[OpenRow]
    most_flagged: list[FlaggedCard]
    escalations: list[WeekRow]
    stale: list[StaleRow]
    prevention: list[PreventionRow]
    authority: list[AuthorityRow]
    flags: list[FlagRow]
    notes: list[str] = field(default_factory=list)


# -- building ---------------------------------------------------------------------------------------


def build_report(
    data: OutboxData,
    cards: Mapping[str, CardInfo],
    answers: Mapping[str, AnswerLike],
    today: dt.date,
    top: int = TOP,
) -> Report:
    """The report's sections from the counters; `cards` and `answers` may be empty (ids
    are shown then, and every flag counts as open)."""

    def title(card: str) -> str:
        info = cards.get(card)
        return info.title if info else ""

    shown_nr = [QueryRow(q, t.n, t.desks) for q, t in data.no_result.items() if t.desks >= MIN_DESKS]
    shown_ab = [QueryRow(q, t.n, t.desks) for q, t in data.abandoned.items() if t.desks >= MIN_DESKS]
    withheld = sum(1 for t in data.no_result.values() if t.desks < MIN_DESKS) + sum(
        1 for t in data.abandoned.values() if t.desks < MIN_DESKS
    )
    ranked = _top(shown_nr, top, lambda r: (-r.times, -r.desks, r.query))
    ranked_ab = _top(shown_ab, top, lambda r: (-r.times, -r.desks, r.query))

    opened = _top(data.opens.items(), top, lambda kv: (-kv[1], kv[0]))
    most_opened = [OpenRow(c, title(c), n) for c, n in opened]

    stale_all = [
        StaleRow(c, info.title, info.review_by, data.opens[c])
        for c, info in cards.items()
        if info.review_by is not None and info.review_by < today and data.opens.get(c, 0) > 0
    ]
    stale = _top(stale_all, top, lambda r: (-r.opens, r.review_by, r.card))

    weeks: dict[tuple[str, str, int], int] = {}
    prevention: dict[tuple[str, str, int, int], int] = {}
    for key, n in data.escalations.items():
        k = (key.week, key.reason, key.level)
        weeks[k] = weeks.get(k, 0) + n
        if key.recommended is not None and key.level > key.recommended:
            for card in key.cards or ("",):
                p = (card, key.reason, key.level, key.recommended)
                prevention[p] = prevention.get(p, 0) + n
    escalations = [WeekRow(w, r, lv, n) for (w, r, lv), n in sorted(weeks.items())]
    prevention_rows = _top(
        [PreventionRow(c, title(c), r, lv, rec, n) for (c, r, lv, rec), n in prevention.items()],
        top,
        lambda p: (-p.count, -(p.level - p.recommended), p.card, p.reason),
    )

    authority = _top(
        [AuthorityRow(c, title(c), dict(o)) for c, o in data.authority.items()],
        top,
        lambda a: (-sum(a.outcomes.values()), a.card),
    )

    flag_rows = _flag_rows(data.flags, cards, answers)
    per_card: dict[str, list[int]] = {}
    reasons: dict[str, dict[str, int]] = {}
    for f in data.flags:
        a = answers.get(f.id)
        counts = per_card.setdefault(f.card, [0, 0, 0])
        if a is None:
            counts[0] += 1
            r = reasons.setdefault(f.card, {})
            r[f.reason] = r.get(f.reason, 0) + 1
        elif a.status == "fixed":
            counts[1] += 1
        else:
            counts[2] += 1
    most_flagged = _top(
        [FlaggedCard(c, title(c), o, fx, an, reasons.get(c, {})) for c, (o, fx, an) in per_card.items()],
        top,
        lambda f: (-f.open, -(f.fixed + f.answered), f.card),
    )

    notes = list(data.notes)
    if data.ignored:
        notes.append(f"{data.ignored} file(s) in the outbox were not valid and were skipped (the log names each).")
    return Report(
        today=today,
        since=data.since,
        first_day=data.first_day,
        last_day=data.last_day,
        desks=data.desks,
        day_records=data.day_records,
        searches=data.searches,
        no_result=ranked,
        abandoned=ranked_ab,
        withheld=withheld,
        most_opened=most_opened,
        most_flagged=most_flagged,
        escalations=escalations,
        stale=stale,
        prevention=prevention_rows,
        authority=authority,
        flags=flag_rows,
        notes=notes,
    )


def _top(items: Iterable[Any], n: int, key: Any) -> list[Any]:
    import heapq

    return heapq.nsmallest(n, items, key=key)


def _flag_rows(
    flags: list[SentFlag], cards: Mapping[str, CardInfo], answers: Mapping[str, AnswerLike]
) -> list[FlagRow]:
    groups: dict[tuple[str, int, str, str], list[SentFlag]] = {}
    for f in flags:
        groups.setdefault((f.card, f.version, f.reason, f.comment), []).append(f)
    rows = []
    for (card, version, reason, comment), fs in groups.items():
        got = [answers[f.id] for f in fs if f.id in answers]
        if len(got) < len(fs):
            status, answer = "open", ""
        else:
            latest = max(got, key=lambda a: a.at)
            status, answer = latest.status, describe_answer(latest)
        info = cards.get(card)
        rows.append(
            FlagRow(
                card=card,
                title=info.title if info else "",
                version=version,
                current_version=info.version if info else None,
                reason=reason,
                comment=comment,
                desks=len({f.desk for f in fs}),
                flag_ids=tuple(sorted(f.id for f in fs)),
                status=status,
                answer=answer,
                first_at=min(f.at for f in fs),
                last_at=max(f.at for f in fs),
            )
        )
    order = {"open": 0, "answered": 1, "fixed": 2}
    rows.sort(key=lambda r: (order.get(r.status, 3), -r.desks, r.card, r.version, r.reason, r.comment))
    return rows


def describe_answer(a: AnswerLike) -> str:
    describe = getattr(a, "describe", None)
    if callable(describe):
        return str(describe())
    head = f"Fixed in version {a.version}" if a.status == "fixed" and a.version else a.status.capitalize()
    return head + (f" by {a.by}" if a.by else "") + (f": {a.text}" if a.text else ".")


# -- the cards, from the pack or from the owner's folder ----------------------------------------------


def cards_from_share(
    share: Path, trusted_keys: list[PublicKey], only: Iterable[str] | None = None
) -> dict[str, CardInfo]:
    """The live cards of the share's current signed pack (empty when nothing is published).

    Titles come from the manifest; review dates need the card itself, so only the cards
    in `only` (those the report mentions) are read and parsed. Raises PackError when the
    pack cannot be verified, EnvironmentProblem when the share cannot be read.
    """
    from workaid.core.content.cards import parse_card
    from workaid.core.distribution.pack import read_current, read_object

    _, manifest = read_current(Path(share), trusted_keys)
    if manifest is None:
        return {}
    wanted = None if only is None else set(only)
    out: dict[str, CardInfo] = {}
    for cid, version in manifest.live().items():
        title, review_by = version.title, None
        if wanted is None or cid in wanted:
            raw = read_object(Path(share), version.sha256, version.size)
            card = parse_card(raw, cid).card
            if card is not None:
                title, review_by = card.title, card.review_by
        out[cid] = CardInfo(cid, title, version.version, review_by)
    return out


def answers_from_share(share: Path, trusted_keys: list[PublicKey]) -> dict[str, Any]:
    """The owners' answers as last published in the share's signed pack (none when the
    pack has none). Raises PackError when the pack or its answers fail their checks."""
    import hashlib

    from workaid.core.content.answers import AnswersError, parse_answers
    from workaid.core.distribution.pack import PackError, read_current
    from workaid.core.distribution.share import FolderShare, object_name

    _, manifest = read_current(Path(share), trusted_keys)
    if manifest is None or manifest.answers is None:
        return {}
    sha, size = manifest.answers
    raw = FolderShare(Path(share)).read(object_name(sha), size)
    if len(raw) != size or hashlib.sha256(raw).hexdigest() != sha:
        raise PackError(f"the answers object {object_name(sha)} on the share is damaged")
    try:
        return dict(parse_answers(raw))
    except AnswersError as e:
        raise PackError(f"the published answers to flags are invalid: {e}") from None


def cards_from_folder(source: Path) -> dict[str, CardInfo]:
    """The cards of the owner's source folder (versions unknown there: None). Cards with
    problems are left out; the workbench and `workaid check` report those."""
    from workaid.core.content.folder import load_folder

    result = load_folder(source)
    return {c.id: CardInfo(c.id, c.title, None, c.review_by) for c in result.cards}


# -- JSON ---------------------------------------------------------------------------------------------


def report_json(report: Report) -> dict[str, Any]:
    """The report as plain JSON values (dates as ISO text); no desk ids."""

    def day(d: dt.date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "format": 1,
        "today": report.today.isoformat(),
        "since": day(report.since),
        "first_day": day(report.first_day),
        "last_day": day(report.last_day),
        "desks": report.desks,
        "day_records": report.day_records,
        "searches": report.searches,
        "min_desks_for_a_query": MIN_DESKS,
        "queries_withheld": report.withheld,
        "no_result": [{"query": r.query, "times": r.times, "desks": r.desks} for r in report.no_result],
        "abandoned": [{"query": r.query, "times": r.times, "desks": r.desks} for r in report.abandoned],
        "most_opened": [{"card": r.card, "title": r.title, "opens": r.opens} for r in report.most_opened],
        "most_flagged": [
            {
                "card": r.card,
                "title": r.title,
                "open": r.open,
                "fixed": r.fixed,
                "answered": r.answered,
                "reasons": r.reasons,
            }
            for r in report.most_flagged
        ],
        "escalations": [{"week": r.week, "reason": r.reason, "level": r.level, "n": r.n} for r in report.escalations],
        "stale": [
            {"card": r.card, "title": r.title, "review_by": r.review_by.isoformat(), "opens": r.opens}
            for r in report.stale
        ],
        "prevention": [
            {
                "card": r.card,
                "title": r.title,
                "reason": r.reason,
                "level": r.level,
                "recommended": r.recommended,
                "count": r.count,
            }
            for r in report.prevention
        ],
        "authority": [{"card": r.card, "title": r.title, "outcomes": r.outcomes} for r in report.authority],
        "flags": [
            {
                "card": r.card,
                "title": r.title,
                "version": r.version,
                "current_version": r.current_version,
                "reason": r.reason,
                "comment": r.comment,
                "desks": r.desks,
                "flag_ids": list(r.flag_ids),
                "status": r.status,
                "answer": r.answer,
                "first_at": r.first_at,
                "last_at": r.last_at,
            }
            for r in report.flags
        ],
        "notes": list(report.notes),
    }


# -- HTML -----------------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1d2329}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{padding:.25em .7em;text-align:left;vertical-align:top;border-bottom:1px solid #e3e6ea}
th{background:#f2f4f7}td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#667}.note{background:#fff8e1;padding:.4em .7em}
.chart svg{max-width:100%;height:auto}code{font-size:.95em}
"""

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)


def _pygal() -> Any:
    """pygal, imported without its legacy import hook: it appends a finder that has no
    find_spec (for pygal.maps plugins, which WorkAid does not use), so every later failed
    import in the process warns (an error under the tests' warning filter)."""
    import sys

    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__ != "pygal"]
    return pygal


def _chart(kind: str, title: str, labels: list[str], series: list[tuple[str, list[int]]], height: int = 0) -> str:
    """One pygal chart as inline SVG, with no script, no comments, no external reference."""
    pygal = _pygal()
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        font_family="system-ui, sans-serif",
        colors=("#3b6ea5", "#9bb7d4", "#d98c3f", "#6aa56a", "#a55b9b", "#7f7f7f"),
        value_font_size=11,
        label_font_size=12,
        major_label_font_size=12,
    )
    cls = {"hbar": pygal.HorizontalBar, "hstack": pygal.HorizontalStackedBar, "stack": pygal.StackedBar}[kind]
    chart = cls(
        js=[],
        disable_xml_declaration=True,
        style=style,
        width=900,
        height=height or max(260, 30 * len(labels) + 120),
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        print_values=kind == "hbar",
        show_x_labels=kind != "hbar",  # the values are on the bars; a scale beside long labels only crowds
        truncate_label=60,
        x_label_rotation=0,
    )
    chart.title = title
    horizontal = kind in ("hbar", "hstack")
    # pygal draws the first label of a horizontal chart at the bottom: the biggest goes on top
    chart.x_labels = labels[::-1] if horizontal else labels
    for name, values in series:
        chart.add(name, values[::-1] if horizontal else values)
    svg = str(chart.render(is_unicode=True))
    return _anchored(_SCRIPT.sub("", _COMMENT.sub("", svg)))


_SVG_NS = "http://www.w3.org/2000/svg"


def _anchored(svg: str) -> str:
    """The chart with each label's alignment also written on the label itself.

    pygal aligns labels by its style sheet only (`.axis.y text {text-anchor: end}`); Qt's
    SVG renderer, which draws the workbench's charts, reads no such selectors, so every
    label started where it should end, across the bars. A browser gives the style sheet
    precedence over these attributes, so the HTML report looks as before.
    """
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return svg  # pygal's own output; should it ever not parse, it is shown as it is

    def walk(node: ET.Element, axis: str) -> None:
        classes = node.get("class", "").split()
        if "axis" in classes:
            axis = next((c for c in ("y2", "y", "x") if c in classes), axis)
        if node.tag == f"{{{_SVG_NS}}}text" and "text-anchor" not in node.attrib:
            if "centered" in classes or "title" in classes or axis == "x":
                node.set("text-anchor", "start" if axis == "x" and node.get("transform") else "middle")
            elif axis == "y":
                node.set("text-anchor", "end")
        for child in node:
            walk(child, axis)

    walk(root, "")
    return ET.tostring(root, encoding="unicode")


def _table(head: list[str], rows: Iterable[list[Any]], numeric: Iterable[int] = ()) -> str:
    num = set(numeric)
    out = ["<table><thead><tr>", *(f"<th>{html.escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    empty = True
    for row in rows:
        empty = False
        out.append("<tr>")
        for i, cell in enumerate(row):
            text = "" if cell is None else str(cell)
            out.append(f'<td class="n">{html.escape(text)}</td>' if i in num else f"<td>{html.escape(text)}</td>")
        out.append("</tr>")
    if empty:
        return '<p class="muted">Nothing yet.</p>'
    out.append("</tbody></table>")
    return "".join(out)


def _card_label(card: str, title: str) -> str:
    return f"{title} ({card})" if title else card or "(no card)"


def report_charts(report: Report) -> list[tuple[str, str]]:
    """The report's charts as (title, inline SVG) pairs, for a window to show (QSvgWidget)
    or a page to embed; sections with nothing in them have no chart."""
    return list(_charts(report).values())


def _charts(r: Report) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if r.no_result:
        rows = r.no_result[:CHART_ROWS]
        title = "Top searches without a result"
        out["no_result"] = (title, _chart("hbar", title, [q.query for q in rows], [("times", [q.times for q in rows])]))
    if r.most_opened:
        opened = r.most_opened[:CHART_ROWS]
        title = "Most-opened cards"
        labels = [_card_label(o.card, o.title) for o in opened]
        out["opened"] = (title, _chart("hbar", title, labels, [("opens", [o.opens for o in opened])]))
    if r.most_flagged:
        flagged = r.most_flagged[:CHART_ROWS]
        title = "Cards with most flags"
        series = [
            ("open", [f.open for f in flagged]),
            ("fixed", [f.fixed for f in flagged]),
            ("answered", [f.answered for f in flagged]),
        ]
        out["flagged"] = (title, _chart("hstack", title, [_card_label(f.card, f.title) for f in flagged], series))
    if r.escalations:
        weeks = sorted({w.week for w in r.escalations})
        per: dict[tuple[str, str, str], int] = {}  # ("reason" or "level", which, week) -> n
        for w in r.escalations:
            for k in (("reason", w.reason, w.week), ("level", str(w.level), w.week)):
                per[k] = per.get(k, 0) + w.n
        reasons = sorted({w.reason for w in r.escalations})
        levels = sorted({w.level for w in r.escalations})
        title = "Escalations per week, by reason"
        series = [(rs, [per.get(("reason", rs, wk), 0) for wk in weeks]) for rs in reasons]
        out["by_reason"] = (title, _chart("stack", title, weeks, series, 420))
        title = "Escalations per week, by level"
        series = [(f"level {lv}", [per.get(("level", str(lv), wk), 0) for wk in weeks]) for lv in levels]
        out["by_level"] = (title, _chart("stack", title, weeks, series, 420))
    return out


def report_html(report: Report) -> str:
    """The whole report as one HTML page: charts for the ranked sections, tables for all."""
    e = html.escape
    r = report
    span = (
        f"{r.first_day.isoformat()} to {r.last_day.isoformat()}" if r.first_day and r.last_day else "no day records yet"
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>WorkAid feedback report {e(r.today.isoformat())}</title><style>{_CSS}</style></head><body>",
        "<h1>WorkAid feedback report</h1>",
        f"<p class='muted'>Made {e(r.today.isoformat())}"
        + (f", since {e(r.since.isoformat())}" if r.since else "")
        + f". {r.desks} desk(s), {r.day_records} day record(s) ({e(span)}), {r.searches} search(es). "
        f"A query is shown only when at least {MIN_DESKS} desks typed it"
        + (f" ({r.withheld} withheld)." if r.withheld else ".")
        + "</p>",
    ]
    parts += [f"<p class='note'>{e(n)}</p>" for n in r.notes]

    charts = _charts(r)

    def chart(key: str) -> None:
        if key in charts:
            parts.append(f"<div class='chart'>{charts[key][1]}</div>")

    parts.append("<h2>Top searches without a result</h2>")
    chart("no_result")
    parts.append(_table(["query", "times", "desks"], ([q.query, q.times, q.desks] for q in r.no_result), (1, 2)))

    parts.append("<h2>Searches after which no card was opened</h2>")
    parts.append(_table(["query", "times", "desks"], ([q.query, q.times, q.desks] for q in r.abandoned), (1, 2)))

    parts.append("<h2>Most-opened cards</h2>")
    chart("opened")
    parts.append(_table(["card", "title", "opens"], ([o.card, o.title, o.opens] for o in r.most_opened), (2,)))

    parts.append("<h2>Cards with most flags</h2>")
    chart("flagged")
    parts.append(
        _table(
            ["card", "title", "open", "fixed", "answered", "open flags by reason"],
            (
                [
                    f.card,
                    f.title,
                    f.open,
                    f.fixed,
                    f.answered,
                    ", ".join(f"{k} {v}" for k, v in sorted(f.reasons.items())),
                ]
                for f in r.most_flagged
            ),
            (2, 3, 4),
        )
    )

    parts.append("<h2>Escalations by reason and level, per week</h2>")
    chart("by_reason")
    chart("by_level")
    parts.append(
        _table(
            ["week", "reason", "level", "escalations"],
            ([w.week, w.reason, w.level, w.n] for w in r.escalations),
            (2, 3),
        )
    )

    parts.append("<h2>Stale cards still opened</h2>")
    parts.append(
        _table(
            ["card", "title", "review by", "opens"],
            ([s.card, s.title, s.review_by.isoformat(), s.opens] for s in r.stale),
            (3,),
        )
    )

    parts.append("<h2>Prevention review: escalations that went higher than the checklist recommended</h2>")
    parts.append(
        _table(
            ["card", "title", "reason", "level", "recommended", "count"],
            ([p.card or "(no card)", p.title, p.reason, p.level, p.recommended, p.count] for p in r.prevention),
            (3, 4, 5),
        )
    )

    parts.append("<h2>Authority checks per card</h2>")
    parts.append(
        _table(
            ["card", "title", "within", "escalate", "refer"],
            (
                [
                    a.card,
                    a.title,
                    a.outcomes.get("within", 0),
                    a.outcomes.get("escalate", 0),
                    a.outcomes.get("refer", 0),
                ]
                for a in r.authority
            ),
            (2, 3, 4),
        )
    )

    parts.append("<h2>Flags</h2>")
    parts.append(
        _table(
            ["card", "version flagged", "current", "reason", "comment", "desks", "status", "answer"],
            (
                [
                    _card_label(f.card, f.title),
                    f.version,
                    f.current_version or "",
                    f.reason,
                    f.comment,
                    f.desks,
                    f.status,
                    f.answer,
                ]
                for f in r.flags
            ),
            (1, 2, 5),
        )
    )
    parts.append("</body></html>\n")
    return "".join(parts)
