"""Pictures drawn on the server as inline SVG (no JavaScript): readiness as stacked bars,
and completions over time against the deadline.

Each picture is ``role="img"`` with a ``<title>`` and ``<desc>`` (its text alternative);
the page shows the same numbers in a table beside it. Colours are presentation
attributes (the Content-Security-Policy allows no inline styles), chosen to keep a 3:1
contrast against white (WCAG 1.4.11) and told apart by a legend and the table, never by
colour alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from markupsafe import Markup

from reports.model import StatusTotals

STATUSES = ("completed_on_time", "completed_late", "in_progress", "not_started", "exempt")
COLOURS = {
    "completed_on_time": "#1a6b35",
    "completed_late": "#a04a00",
    "in_progress": "#1f5aa6",
    "not_started": "#6b6b6b",
    "exempt": "#5b3a8c",
}
TEXT = "#1a1a1a"
GRID = "#767676"

Text = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    totals: StatusTotals


def _ids() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"chart-title-{tag}", f"chart-desc-{tag}"


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def readiness_bars(bars: Sequence[Bar], title: str, t: Text) -> Markup:
    """One stacked bar per row (a municipality, a county, a workshop): the share of
    participants in each status, with the share completed written beside it."""
    title_id, desc_id = _ids()
    label_width, bar_width, row_height, top = 190, 420, 26, 34
    width = label_width + bar_width + 70
    height = top + row_height * len(bars) + 10
    descriptions = [
        t(
            "web.chart.bar_row",
            label=bar.label,
            done=bar.totals.completed_on_time + bar.totals.completed_late,
            total=bar.totals.total,
            percent=_percent(
                bar.totals.completed_on_time + bar.totals.completed_late, bar.totals.total
            ),
        )
        for bar in bars
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(" ".join(descriptions))}</desc>',
    ]
    for n, status in enumerate(STATUSES):  # the legend, evenly across the picture
        x = 8 + n * (width - 8) // len(STATUSES)
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[status]}"/>'
            f'<text x="{x + 16}" y="16" font-size="11" fill="{TEXT}">'
            f"{escape(t('web.status.' + status))}</text>"
        )
    for row, bar in enumerate(bars):
        y = top + row * row_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="{TEXT}">{escape(bar.label[:28])}</text>'
        )
        total = bar.totals.total
        x0 = float(label_width)
        for status in STATUSES:
            count = getattr(bar.totals, status)
            if not total or not count:
                continue
            span = bar_width * count / total
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 3}" width="{span:.1f}" height="{row_height - 8}" '
                f'fill="{COLOURS[status]}"/>'
            )
            x0 += span
        if not total:
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{bar_width}" '
                f'height="{row_height - 8}" fill="none" stroke="{GRID}"/>'
            )
        done = bar.totals.completed_on_time + bar.totals.completed_late
        shown = f"{_percent(done, total)} %" if total else "–"  # no one yet is not 0 %
        parts.append(
            f'<text x="{label_width + bar_width + 6}" y="{y + 15}" font-size="12" '
            f'fill="{TEXT}">{shown}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    completed: int
    cumulative: int


def completions_by_day(completed: Sequence[datetime]) -> list[DayCount]:
    """Completions per day (Europe/Stockholm dates as given), with the running total."""
    per_day: dict[date, int] = {}
    for moment in completed:
        per_day[moment.date()] = per_day.get(moment.date(), 0) + 1
    days: list[DayCount] = []
    running = 0
    for day in sorted(per_day):
        running += per_day[day]
        days.append(DayCount(day, per_day[day], running))
    return days


def completions_over_time(
    days: Sequence[DayCount], total: int, deadline: datetime, title: str, t: Text
) -> Markup:
    """The number of participants completed so far, day by day, as a rising line, with
    the deadline as a vertical line and the number of participants as the goal."""
    title_id, desc_id = _ids()
    width, height = 640, 240
    left, right, top, bottom = 48, 20, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    deadline_day = deadline.date()
    first = min([d.day for d in days] + [deadline_day - timedelta(days=14)])
    last = max([d.day for d in days] + [deadline_day + timedelta(days=1)])
    span_days = max((last - first).days, 1)
    goal = max(total, 1)

    def x_of(day: date) -> float:
        return left + plot_w * (day - first).days / span_days

    def y_of(count: int) -> float:
        return top + plot_h * (1 - count / goal)

    done_by_deadline = max([d.cumulative for d in days if d.day <= deadline_day] or [0])
    description = t(
        "web.chart.over_time_desc",
        done=days[-1].cumulative if days else 0,
        total=total,
        by_deadline=done_by_deadline,
        deadline=deadline_day.isoformat(),
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        # axes
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{GRID}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end" '
        f'fill="{TEXT}">{total}</text>',
        f'<text x="{left - 6}" y="{top + plot_h + 4}" font-size="11" text-anchor="end" '
        f'fill="{TEXT}">0</text>',
        f'<line x1="{left}" y1="{top}" x2="{left + plot_w}" y2="{top}" stroke="{GRID}" '
        f'stroke-dasharray="2 4"/>',
        f'<text x="{left}" y="{height - 8}" font-size="11" fill="{TEXT}">'
        f"{first.isoformat()}</text>",
        f'<text x="{left + plot_w}" y="{height - 8}" font-size="11" text-anchor="end" '
        f'fill="{TEXT}">{last.isoformat()}</text>',
    ]
    dx = x_of(deadline_day + timedelta(days=1))  # the deadline is the end of its day
    parts.append(
        f'<line x1="{dx:.1f}" y1="{top}" x2="{dx:.1f}" y2="{top + plot_h}" stroke="#a00000" '
        f'stroke-width="2" stroke-dasharray="6 3"/>'
        f'<text x="{dx - 4:.1f}" y="{top + 12}" font-size="11" text-anchor="end" '
        f'fill="#a00000">{escape(t("web.chart.deadline"))}</text>'
    )
    if days:
        points = [(x_of(first), y_of(0))]
        for entry in days:
            x = x_of(entry.day)
            points.append((x, points[-1][1]))
            points.append((x, y_of(entry.cumulative)))
        points.append((x_of(last), points[-1][1]))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOURS["completed_on_time"]}" '
            f'stroke-width="2.5"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
