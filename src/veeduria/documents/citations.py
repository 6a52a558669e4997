"""Citations that point to a page of a document: the one check, for the admin and the dataset loader."""

from __future__ import annotations

from django.utils.translation import gettext as _

from veeduria.documents.models import Document


def page_problem(document: Document | None, page: int | None) -> str:
    """Why ``page`` of ``document`` cannot be cited (empty when it can)."""
    if page is None:
        return ""
    if document is None:
        return _("una página necesita un documento")
    if page < 1 or page > document.page_count:
        return _("el documento #%(id)d tiene %(n)d páginas; no existe la página %(page)d") % {
            "id": document.pk,
            "n": document.page_count,
            "page": page,
        }
    return ""
