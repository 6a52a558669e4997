"""``/findings``: the compliance findings (computed, never edited), with their explanations and the citations they
rest on; the fields typed from the ``Finding`` model."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, create_model

from veeduria.api import schemas, serialize
from veeduria.api.errors import ApiError, ErrorOut
from veeduria.api.paging import IntPageParams, paginate
from veeduria.api.params import UpdatedSince, since
from veeduria.oversight import queries
from veeduria.oversight.models import Finding, Severity
from veeduria.oversight.rules import RULES

router = Router(tags=["findings"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}

_EXTRA: dict[str, Any] = {
    "explanation_es": (str, Field(description="what the finding says, in Spanish")),
    "explanation_en": (str, Field(description="what the finding says, in English")),
    "citations": (list[schemas.CitationOut], Field(description="the activity's, then the authorization's")),  # type: ignore[valid-type]
}
FindingOut = create_model("Finding", __base__=Schema, **schemas.fields_of(Finding), **_EXTRA)


class FindingPage(schemas.PageBase):
    results: list[FindingOut]  # type: ignore[valid-type]


class FindingFilters(IntPageParams):
    severity: Severity | None = Field(None, description="violation, undetermined or notice")
    rule: Literal[RULES] | None = Field(None, description="the rule's code")  # type: ignore[valid-type]
    year: int | None = Field(None, ge=1800, le=2200, description="the activity's start year")
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code of a country that took part, e.g. USA"
    )
    activity: str | None = Field(None, max_length=120, description="an activity's id")
    authorization: str | None = Field(None, max_length=120, description="an authorization's id")
    updated_since: UpdatedSince = None


def _out(findings: list[Finding]) -> list[dict[str, Any]]:
    names = queries.country_names()
    cited = queries.citations_of(findings)
    fields = serialize.public_fields_of(Finding)
    out = []
    for f in findings:
        es, en = f.explanations(names)
        out.append(
            {
                **serialize.fields_dict(f, fields),
                "explanation_es": es,
                "explanation_en": en,
                "citations": [serialize.citation_out(c) for c in cited.get(f.pk, [])],
            }
        )
    return out


@router.get("", response={200: FindingPage, **ERRORS}, summary="Compliance findings", operation_id="list_findings")
def finding_list(request: HttpRequest, filters: Query[FindingFilters]) -> dict[str, Any]:
    qs = queries.list_findings(
        severity=filters.severity.value if filters.severity else None,
        rule=filters.rule,
        year=filters.year,
        country=filters.country,
        activity=filters.activity,
        authorization=filters.authorization,
    )
    updated = since(filters.updated_since)
    if updated is not None:
        qs = qs.filter(computed_at__gte=updated)
    page = paginate(qs, cursor=filters.cursor, page=filters.page, page_size=filters.page_size, numbers=True)
    return {**page.meta, "results": _out(page.rows)}


@router.get(
    "/{finding_id}",
    response={200: FindingOut, **ERRORS},
    summary="One finding (its id changes when the findings are computed again)",
    operation_id="get_finding",
)
def finding_detail(request: HttpRequest, finding_id: int) -> dict[str, Any]:
    finding = Finding.objects.select_related("activity", "authorization").filter(pk=finding_id).first()
    if finding is None:
        raise ApiError(404, "not_found", f"no finding with id {finding_id}")
    return _out([finding])[0]
