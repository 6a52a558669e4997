"""``{% ledger_head as head %}``: the head of the revision ledger (hash, count, date) for a page."""

from __future__ import annotations

from django import template

from veeduria.evidence import ledger as revision_ledger

register = template.Library()


@register.simple_tag
def ledger_head() -> revision_ledger.Head:
    """The current head of the revision ledger."""
    return revision_ledger.head()
