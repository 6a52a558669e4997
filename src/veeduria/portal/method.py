"""The method page: what the reliability labels and the source kinds mean (every badge links here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from veeduria.evidence.models import Reliability, SourceKind
from veeduria.portal import labels


def reliability(request: HttpRequest) -> HttpResponse:
    scale = [
        (str(code), labels.reliability_label(str(code)), str(labels.RELIABILITY_MEANING[str(code)]))
        for code in Reliability.values
    ]
    kinds = [(str(code), str(label), str(labels.KIND_MEANING[str(code)])) for code, label in SourceKind.choices]
    return render(request, "portal/reliability.html", {"scale": scale, "kinds": kinds})
