"""A claim's vector follows its text: computed when the claim is saved with a new or changed text (cleared when
there is no embedder, so that ``veeduria claims embed`` fills it later)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from veeduria.factchecks.embedding import get_embedder, to_bytes
from veeduria.factchecks.matching_claims import claim_passage
from veeduria.factchecks.models import Claim


@receiver(pre_save, sender=Claim, dispatch_uid="factchecks-claim-vector")
def refresh_vector(sender: type[Claim], instance: Claim, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw") or (update_fields is not None and "text" not in update_fields):
        return
    previous = Claim.objects.filter(pk=instance.pk).values_list("text", "vector").first()
    if previous is not None and previous[0] == instance.text and previous[1] is not None:
        instance.vector = previous[1]
        return
    embedder = get_embedder()
    instance.vector = to_bytes(embedder.passages([claim_passage(instance)])[0]) if embedder else None
