"""The shapes of each timeline row: rectangles in a ``viewBox`` of ``WIDTH`` × ``HEIGHT``, stretched to the row.

An exact span is a solid bar; an imprecise edge fades in or out over the month or year it may fall in; a single
imprecise date is its whole month or year, pale and dashed; a single exact day with no known end is a marker.
An activity's row shows the window of its authorization behind it, and the parts outside that window in the
warning colour when a finding says it was outside."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from veeduria.portal.timeline_items import Item
from veeduria.portal.timeline_scale import MIN_WIDTH, WIDTH, Axis, Span

HEIGHT = 14


@dataclass(frozen=True)
class Shape:
    x: str
    y: int
    width: str
    height: int
    css: str
    fill: str = ""


def _rect(
    axis: Axis, start: dt.date, end: dt.date, y: int, h: int, css: str, fill: str = "", least: float = 0.0
) -> Shape | None:
    seg = axis.segment(start, end, least)
    if seg is None:
        return None
    return Shape(f"{seg[0]:.2f}", y, f"{seg[1]:.2f}", h, css, fill)


def span_shapes(axis: Axis, span: Span, colour: str, y: int = 3, h: int = 8) -> list[Shape]:
    """A span as a bar of ``colour`` (a key of the gradients in the template) with fading imprecise edges."""
    parts: list[Shape | None]
    if span.point:
        parts = [_rect(axis, span.start, span.end, 0, HEIGHT, f"c-{colour} point", least=MIN_WIDTH)]
    elif not span.certain:
        parts = [_rect(axis, span.start, span.end, y, h, f"c-{colour} fuzzy", least=MIN_WIDTH)]
    else:
        parts = [
            _rect(axis, span.start, span.solid_start, y, h, "fade", f"url(#tl-in-{colour})")
            if span.start < span.solid_start
            else None,
            _rect(axis, span.solid_start, span.solid_end, y, h, f"c-{colour}", least=MIN_WIDTH / 2),
            _rect(axis, span.solid_end, span.end, y, h, "fade", f"url(#tl-out-{colour})")
            if span.solid_end < span.end
            else None,
        ]
    return [p for p in parts if p is not None]


def _window(item: Item) -> Span | None:
    """The authorized window an activity is drawn against (none when its authorization gives no window)."""
    auth = item.authorization
    if auth is None or auth.decision or auth.span is None:
        return None
    return auth.span


def shapes(axis: Axis, item: Item) -> list[Shape]:
    """Everything drawn in an item's row."""
    if item.span is None:
        return []
    if item.is_authorization:
        out = span_shapes(axis, item.span, "decision" if item.decision else "auth")
        for period in item.periods:
            out += span_shapes(axis, period, "period", y=0, h=HEIGHT)
        return out
    drawn: list[Shape] = []
    window = _window(item)
    if window is not None:
        band = _rect(axis, window.start, window.end, 0, HEIGHT, "band", least=MIN_WIDTH / 2)
        drawn += [band] if band else []
    colour = "warn" if item.outside else ("exercise" if item.kind == "exercise" else "activity")
    drawn += span_shapes(axis, item.span, colour)
    if item.outside and window is not None:
        drawn += _outside(axis, item.span, window)
    return drawn


def _outside(axis: Axis, span: Span, window: Span) -> list[Shape]:
    """The parts of ``span`` outside ``window`` (only before its start when its end is not given): red where the
    activity surely was, pale red where it only may have been (an imprecise date)."""
    parts = [(span.start, min(span.end, window.start))]
    if not window.open_end:
        parts.append((max(span.start, window.end), span.end))
    out: list[Shape | None] = []
    for start, end in parts:
        if start >= end:
            continue
        sure = (max(start, span.solid_start), min(end, span.solid_end))
        if sure[0] < sure[1]:
            out.append(_rect(axis, sure[0], sure[1], 1, HEIGHT - 2, "out", least=MIN_WIDTH / 2))
            out += [
                _rect(axis, a, b, 1, HEIGHT - 2, "out maybe") for a, b in ((start, sure[0]), (sure[1], end)) if a < b
            ]
        else:
            out.append(_rect(axis, start, end, 1, HEIGHT - 2, "out maybe", least=MIN_WIDTH / 2))
    return [s for s in out if s is not None]


def markup(drawn: list[Shape]) -> SafeString:
    """A row's drawing as inline SVG, hidden from screen readers (the row's text says the same). Written here
    rather than in a template: it is the same few attributes for hundreds of rows, all numbers and fixed names."""
    rects = "".join(
        f'<rect x="{s.x}" y="{s.y}" width="{s.width}" height="{s.height}" class="{s.css}"'
        + (f' fill="{s.fill}"' if s.fill else "")
        + "/>"
        for s in drawn
    )
    return mark_safe(
        f'<svg class="tl-bar" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" aria-hidden="true" '
        f'focusable="false">{rects}</svg>'
    )
