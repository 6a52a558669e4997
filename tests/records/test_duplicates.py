"""Scoring of probable duplicates: pure functions, no database."""

from __future__ import annotations

import datetime as dt

from veeduria.records.duplicates import (
    DatePoint,
    Facts,
    compare,
    compare_dates,
    find_candidates,
    similarity,
    title_numbers,
    tokens,
)


def auth(pk: str, title: str, *dates: DatePoint, **kw: object) -> Facts:
    base: dict[str, object] = {"type": "authorizations", "id": pk, "title": title, "host": "per"}
    base.update(kw)
    return Facts(dates=tuple(dates), **base)  # type: ignore[arg-type]


CURATED = auth(
    "us-entry-2012-11",
    "Autorización del Pleno del ingreso de Marines de EE. UU. en noviembre de 2012",
    DatePoint("approved", dt.date(2012, 10, 18)),
    foreign=frozenset({"usa"}),
    kind="rl",
)
REGISTER = auth(
    "rl-29922",
    "RESOLUCIÓN LEGISLATIVA QUE AUTORIZA EL INGRESO DE PERSONAL MILITAR ESTADOUNIDENSE CORRESPONDIENTE A "
    "NOVIEMBRE DE 2012",
    DatePoint("published", dt.date(2012, 10, 23)),
    foreign=frozenset({"usa"}),
    numbers=(("rl", "29922"),),
    kind="rl",
    origin="import:congress-register",
)


def test_tokens_fold_accents_case_synonyms_and_plurals() -> None:
    assert tokens("Autorización de EE. UU.") == tokens("AUTORIZACION de Estados Unidos de América")
    assert tokens("militares estadounidenses") == tokens("militar norteamericano")
    assert "2012" in tokens("noviembre de 2012") and "noviembre" in tokens("NOVIEMBRE")
    assert "de" not in tokens("ingreso de tropas")


def test_similarity_is_one_for_same_words_and_zero_for_none() -> None:
    assert similarity(tokens("Ingreso de tropas"), tokens("INGRESO DE TROPAS")) == 1.0
    assert similarity(tokens("ingreso"), tokens("salida")) == 0.0
    rare = {"rimpac": 5.0, "ingres": 0.1}
    assert similarity(["rimpac", "ingres"], ["rimpac"], rare) > similarity(["rimpac", "ingres"], ["ingres"], rare)


def test_title_numbers_skip_years() -> None:
    assert title_numbers("Resolución Legislativa 30746 de 2018 (PRL 5079/2015-PE)") == {"30746", "5079"}


def test_dates_within_tolerance_with_readable_reason() -> None:
    score, reason = compare_dates(
        [DatePoint("approved", dt.date(2012, 10, 18))], [DatePoint("published", dt.date(2012, 10, 23))]
    )
    assert 0.7 < score < 0.9
    assert reason is not None and reason.es == "aprobación (2012-10-18) y publicación (2012-10-23) a 5 días"
    assert reason.en == "approval (2012-10-18) and publication (2012-10-23) 5 days apart"
    same = compare_dates([DatePoint("published", dt.date(2018, 4, 5))], [DatePoint("published", dt.date(2018, 4, 5))])
    assert same[0] == 1.0 and same[1] is not None and same[1].es == "misma fecha de publicación (2018-04-05)"
    far = compare_dates([DatePoint("published", dt.date(2018, 1, 1))], [DatePoint("published", dt.date(2018, 3, 1))])
    assert far == (0.0, None)


def test_coarse_precision_matches_but_scores_less() -> None:
    month = compare_dates(
        [DatePoint("start", dt.date(2012, 6, 1), "month")], [DatePoint("start", dt.date(2012, 6, 20))]
    )
    year = compare_dates([DatePoint("start", dt.date(2012, 1, 1), "year")], [DatePoint("start", dt.date(2012, 6, 20))])
    assert 0 < year[0] < month[0] < 1.0


def test_curated_and_register_record_are_a_candidate_with_reasons() -> None:
    cand = compare(CURATED, REGISTER)
    assert cand is not None and cand.score >= 0.5
    texts = [r.es for r in cand.reasons]
    assert "país extranjero en común: usa" in texts
    assert any(t.startswith("título ") and "% similar" in t and "noviembre" in t for t in texts)
    assert any("a 5 días" in t for t in texts)
    assert all(r.en for r in cand.reasons)


def test_a_different_known_number_is_not_a_duplicate() -> None:
    other = auth("rl-29923", REGISTER.title, *REGISTER.dates, foreign=frozenset({"usa"}), numbers=(("rl", "29923"),))
    assert compare(REGISTER, other) is None
    same_number = auth("x", "Otro título", foreign=frozenset({"usa"}), numbers=(("rl", "29922"),))
    cand = compare(same_number, REGISTER)
    assert cand is not None and cand.score >= 0.95 and cand.reasons[0].es == "mismo número (rl 29922)"


def test_exclusions_countries_host_origin_instruments() -> None:
    assert compare(CURATED, auth("c", CURATED.title, *REGISTER.dates, foreign=frozenset({"col"}))) is None
    assert compare(CURATED, auth("h", CURATED.title, *REGISTER.dates, host="ecu")) is None
    twin = auth("rl-1", REGISTER.title, *REGISTER.dates, origin="import:congress-register")
    assert compare(REGISTER, twin) is None  # one import does not repeat its own rows
    rm = auth("rm-1", CURATED.title, *REGISTER.dates, kind="rm")
    assert compare(rm, auth("rl-2", CURATED.title, *REGISTER.dates, kind="rl")) is None
    nodate = auth("n", CURATED.title, foreign=frozenset({"usa"}))
    assert compare(CURATED, nodate) is None


def test_committee_step_is_penalised_and_says_why() -> None:
    committee = auth("com", CURATED.title, *CURATED.dates, foreign=frozenset({"usa"}), kind="committee")
    plain = compare(CURATED.__class__(**{**CURATED.__dict__, "id": "a"}), CURATED)
    step = compare(committee, CURATED)
    assert plain is not None and step is not None and step.score < plain.score
    assert any("pasos distintos" in r.es for r in step.reasons)


def test_activities_of_different_kinds_are_never_duplicates() -> None:
    d = (DatePoint("start", dt.date(2008, 8, 11)),)
    a = Facts("activities", "a", "Panamax 2008", "per", frozenset({"usa"}), d, kind="exercise", kinds_distinct=True)
    b = Facts("activities", "b", "Panamax 2008", "per", frozenset({"usa"}), d, kind="training", kinds_distinct=True)
    assert compare(a, b) is None
    c = Facts("activities", "c", "PANAMAX 2008", "per", frozenset({"usa"}), d, kind="exercise", kinds_distinct=True)
    cand = compare(a, c)
    assert cand is not None and cand.score > 0.9


def test_find_candidates_sorted_and_filtered() -> None:
    far = auth("far", "Otra cosa", DatePoint("published", dt.date(1999, 1, 1)))
    found = find_candidates([CURATED, REGISTER, far], min_score=0.0)
    assert [(c.a.id, c.b.id) for c in found] in ([("us-entry-2012-11", "rl-29922")], [("rl-29922", "us-entry-2012-11")])
    assert find_candidates([CURATED, REGISTER], min_score=0.99) == []
    assert found[0].as_dict()["origins"] in (
        ["curated", "import:congress-register"],
        ["import:congress-register", "curated"],
    )
