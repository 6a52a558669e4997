"""Geometry of the timeline: how long a date of a given precision lasts, and where a day falls on the axis.

A date is only as exact as its precision says: "July 2023" is any day of July, so it is drawn as the whole month
with a fading edge, never as the 1st. Positions are in the units of the drawings' ``viewBox`` (0 to ``WIDTH``);
each unit of the axis (a year, or a month when one year is shown) has the same width, so that the axis labels
are plain equal cells."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat

from veeduria.evidence.models import Precision

#: width of every drawing's ``viewBox``
WIDTH = 1000
#: the narrowest mark drawn (a single day on a long axis would be invisible)
MIN_WIDTH = 3.0

#: the most years whose every label fits
LABEL_EVERY_YEAR = 24

_DAY = dt.timedelta(days=1)


def unit_end(day: dt.date, precision: str) -> dt.date:
    """The day after the last day that ``day`` written with ``precision`` may mean."""
    if precision == Precision.MONTH:
        return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    if precision in (Precision.YEAR, Precision.UNKNOWN):
        return dt.date(day.year + 1, 1, 1)
    return day + _DAY


@dataclass(frozen=True)
class Span:
    """When something happened as far as its dates tell: from ``start`` to ``end`` (exclusive), surely between
    ``solid_start`` and ``solid_end``; before and after, only maybe (an imprecise date). ``open_end``: no end
    is given; ``point``: a single known day with no known length."""

    start: dt.date
    end: dt.date
    solid_start: dt.date
    solid_end: dt.date
    open_end: bool = False
    point: bool = False

    @property
    def certain(self) -> bool:
        """Whether some part is certain (else the whole span is only where it may have been)."""
        return self.solid_start < self.solid_end

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start < end and start < self.end


def span_of(start: dt.date | None, start_precision: str, end: dt.date | None, end_precision: str) -> Span | None:
    """The span of a start and an end date with their precisions; ``None`` when neither is known. A single date
    (no end, or no start) is a point when exact, else its whole month or year, all uncertain."""
    if start is None and end is None:
        return None
    if start is None:
        assert end is not None
        start, start_precision, end = end, end_precision, None
    exact_start = start_precision == Precision.DAY
    if end is None:
        last = unit_end(start, start_precision)
        if exact_start:
            return Span(start, last, start, last, open_end=True, point=True)
        return Span(start, last, start, start, open_end=True)
    sure_from = start if exact_start else unit_end(start, start_precision)
    last = max(unit_end(end, end_precision), unit_end(start, start_precision))
    sure_to = last if end_precision == Precision.DAY else end
    if sure_from >= sure_to:
        return Span(start, last, start, start)
    return Span(start, last, sure_from, sure_to)


@dataclass(frozen=True)
class Unit:
    start: dt.date
    end: dt.date
    label: str
    #: its label is left out, for room (on a long axis only every fifth year is named)
    minor: bool = False


class Axis:
    """Years from ``first`` to ``last``, or the months of one year when ``first == last``."""

    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = first, last
        if first == last:
            self.units = [
                Unit(dt.date(first, m, 1), unit_end(dt.date(first, m, 1), Precision.MONTH), _month(first, m))
                for m in range(1, 13)
            ]
        else:
            crowded = last - first >= LABEL_EVERY_YEAR
            self.units = [
                Unit(dt.date(y, 1, 1), dt.date(y + 1, 1, 1), str(y), minor=crowded and y % 5 != 0)
                for y in range(first, last + 1)
            ]
        self._starts = [u.start for u in self.units]
        self.start = self.units[0].start
        self.end = self.units[-1].end

    @property
    def months(self) -> bool:
        return self.first == self.last

    def x(self, day: dt.date) -> float:
        """Where ``day`` (its beginning) falls, from 0 to ``WIDTH``; clamped to the axis."""
        if day <= self.start:
            return 0.0
        if day >= self.end:
            return float(WIDTH)
        i = bisect.bisect_right(self._starts, day) - 1
        unit = self.units[i]
        fraction = (day - unit.start).days / (unit.end - unit.start).days
        return (i + fraction) * WIDTH / len(self.units)

    def segment(self, start: dt.date, end: dt.date, least: float = 0.0) -> tuple[float, float] | None:
        """``(x, width)`` of the days from ``start`` to ``end`` (exclusive), at least ``least`` wide; ``None``
        when they are off the axis."""
        if end <= self.start or start >= self.end:
            return None
        x0, x1 = self.x(start), self.x(end)
        width = x1 - x0
        if width < least:
            x0 = min(max(0.0, x0 - (least - width) / 2), WIDTH - least)
            width = least
        return x0, width


def _month(year: int, month: int) -> str:
    """The abbreviated name of a month in the active language ("jun.", "Jun.")."""
    return dateformat.format(dt.date(year, month, 1), "b").capitalize()
