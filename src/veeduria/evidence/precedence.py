"""Which of two sourced values of one field is preferred: precedence rules written as data, and a pure function.

A *claim* is one source's value for one field of one record. When two claims disagree, the rules below are
tried in order; the first rule that tells them apart decides. The preferred value becomes the record's value;
the other one is kept as an alternative value with its source and locator (never dropped). See
docs/evidence-model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CURATED = "curated"
IMPORTED = "import"

#: Where a value comes from: an editor's curated dataset or the admin (a decision taken after reading the
#: sources) is preferred to a value an importer read from a data set.
ORIGIN_ORDER: tuple[str, ...] = (CURATED, IMPORTED)
#: Kinds of source, most authoritative first: an official text over a data set over the press.
SOURCE_KIND_ORDER: tuple[str, ...] = ("official", "dataset", "repository", "press", "leak", "weak")
#: Reliability of the source as checked by a second reader, best first.
RELIABILITY_ORDER: tuple[str, ...] = ("confirmed", "partly", "unverified", "weak")

#: The rules, in the order they are tried: (name, attribute of :class:`Claim`, order of its values).
#: The last rule keeps the value already in place when nothing else tells two claims apart, so that
#: importing the same files in another order does not flip values back and forth.
RULES: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
    ("origin", "origin", ORIGIN_ORDER),
    ("source_kind", "source_kind", SOURCE_KIND_ORDER),
    ("reliability", "reliability", RELIABILITY_ORDER),
    ("incumbent", "incumbent", (True, False)),
)


@dataclass(frozen=True)
class Claim:
    """One source's value for one field."""

    value: Any
    origin: str  #: :data:`CURATED` or :data:`IMPORTED`
    source_id: str = ""
    source_kind: str = ""
    reliability: str = ""
    locator: str = ""
    incumbent: bool = False  #: the value the record holds now


@dataclass(frozen=True)
class Decision:
    preferred: Claim
    other: Claim
    rule: str  #: the name of the rule that decided


def _rank(order: tuple[Any, ...], value: Any) -> int:
    """Position of ``value`` in ``order``; unknown values rank after every known one."""
    try:
        return order.index(value)
    except ValueError:
        return len(order)


def decide(incumbent: Claim, newcomer: Claim) -> Decision:
    """Which of two disagreeing claims is preferred, by :data:`RULES`."""
    for name, attribute, order in RULES:
        a, b = _rank(order, getattr(incumbent, attribute)), _rank(order, getattr(newcomer, attribute))
        if a != b:
            return Decision(incumbent, newcomer, name) if a < b else Decision(newcomer, incumbent, name)
    return Decision(incumbent, newcomer, "incumbent")


def same_statement(incumbent: Claim, newcomer: Claim) -> bool:
    """Whether the newcomer restates the incumbent's own statement (the same source again, or a curated
    correction of a curated value): then it replaces it, and the revision keeps the old value."""
    if incumbent.origin == CURATED and newcomer.origin == CURATED:
        return True
    return bool(incumbent.source_id) and incumbent.source_id == newcomer.source_id


__all__ = ["CURATED", "IMPORTED", "RULES", "Claim", "Decision", "decide", "same_statement"]
