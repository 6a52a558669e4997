"""The "check a rumour" page (``/es/verificaciones/comprobar/``, ``/en/fact-checks/check/``): a plain form, sent by
GET or POST, that lists the checked claims most like the text with their current rating and score."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veeduria.factchecks.embedding import get_embedder
from veeduria.factchecks.matching_claims import match_claims

MAX_LENGTH = 2000
RESULTS = 5


def check_rumour(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("text", "").strip()
    error = ""
    results = []
    if len(text) > MAX_LENGTH:
        error = _("El texto tiene %(n)d caracteres; el máximo es %(max)d.") % {"n": len(text), "max": MAX_LENGTH}
    elif text:
        for item in match_claims(text, limit=RESULTS):
            review = item.claim.current_review()
            # the cosine is comparable across texts; the fused score is relative to the best candidate
            results.append({"claim": item.claim, "review": review, "similarity": item.match.semantic})
    elif "text" in data:
        error = _("Escriba o pegue el texto que quiere comprobar.")
    context = {
        "text": text,
        "error": error,
        "results": results,
        "searched": bool(text) and not error,
        "max_length": MAX_LENGTH,
        "lexical_only": get_embedder() is None,
    }
    return render(request, "factchecks/matching_check.html", context, status=400 if error else 200)
