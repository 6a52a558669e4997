"""The findings' plain explanations, in Spanish and English, written when a finding is read from its reason code
and its plain values (so a corrected country name or title shows at once; storing them cost more than the rules)."""

from __future__ import annotations

import re
import string
from typing import Any

_LEVEL = {
    "legislative": ("una resolución legislativa del Congreso", "a legislative resolution of Congress"),
    "ministerial": ("una resolución ministerial", "a ministerial resolution"),
    "none": ("ninguna autorización", "no authorization"),
}
_MISSING = {
    "window": ("el periodo autorizado", "the authorized period"),
    "personnel": ("el número de efectivos", "the number of personnel"),
    "places": ("los lugares", "the places"),
    "items": ("las armas, naves y aeronaves", "the weapons, vessels and aircraft"),
    "armed": ("si el ingreso es con armas", "whether the entry is armed"),
}

# (es, en); placeholders: {act_es}/{act_en} ("the activity": its name is shown beside the finding), {auth},
# {host_es}/{host_en} and {foreign_es}/{foreign_en} (country names) and the finding's values
TEXTS: dict[str, tuple[str, str]] = {
    "no_framework": (
        "No hay un marco legal registrado para el país anfitrión ({host_es}): no se puede determinar qué autorización "
        "necesitaba {act_es}.",
        "No legal framework is recorded for the host country ({host_en}): which authorization {act_en} needed cannot "
        "be determined.",
    ),
    "before_framework": (
        "{act_es} es anterior al marco legal registrado (vigente desde {since}): no se evalúa.",
        "{act_en} predates the recorded legal framework (in force from {since}): not assessed.",
    ),
    "no_auth_dates_unknown": (
        "No se encontró una autorización registrada para {act_es}, pero sus fechas no se conocen: no se puede saber "
        "qué autorización podría cubrirla.",
        "No recorded authorization was found for {act_en}, but its dates are not known: which authorization could "
        "cover it cannot be told.",
    ),
    "no_auth_rule_unknown": (
        "El marco legal registrado no dice qué instrumento necesita una actividad de este tipo ({kind}).",
        "The recorded legal framework does not say which instrument an activity of this kind ({kind}) needs.",
    ),
    "no_auth": (
        "No hay en la base de datos ninguna autorización de ingreso que cubra {act_es} (países: {foreign_es}; "
        "fechas según el registro), aunque el marco legal exige {requires_es}.",
        "The database holds no entry authorization covering {act_en} (countries: {foreign_en}; dates as recorded), "
        "although the legal framework requires {requires_en}.",
    ),
    "no_auth_unregistered": (
        "No hay en la base de datos ninguna autorización de ingreso que cubra {act_es} (países: {foreign_es}; "
        "fechas según el registro). El marco legal exige {requires_es}, pero la base de datos no reúne todos los "
        "instrumentos de ese nivel para esas fechas: la falta de registro no prueba que no exista.",
        "The database holds no entry authorization covering {act_en} (countries: {foreign_en}; dates as recorded). "
        "The legal framework requires {requires_en}, but the database does not hold every instrument of that level "
        "for those dates: no record does not prove there was none.",
    ),
    "armed_ministerial": (
        "«{auth}» es un instrumento ({instrument}) que solo puede autorizar el ingreso sin armas de guerra, pero "
        "{why_es}.",
        "«{auth}» is an instrument ({instrument}) that can only authorize unarmed entry, but {why_en}.",
    ),
    "instrument_unknown": (
        "El tipo de instrumento de «{auth}» ({instrument}) no está en el marco legal: no se sabe si basta.",
        "The instrument type of «{auth}» ({instrument}) is not in the legal framework: whether it suffices is unknown.",
    ),
    "instrument_low": (
        "{act_es} necesitaba {requires_es}, pero «{auth}» es un instrumento de menor rango ({instrument}).",
        "{act_en} needed {requires_en}, but «{auth}» is a lower-ranking instrument ({instrument}).",
    ),
    "dates_unknown": (
        "Las fechas de {act_es} no se conocen: no se puede comprobar si cayó dentro del periodo de «{auth}».",
        "The dates of {act_en} are not known: whether it fell within the period of «{auth}» cannot be checked.",
    ),
    "outside_window": (
        "{act_es} ({activity_start} – {activity_end}) ocurrió fuera del periodo autorizado por «{auth}» "
        "({window_start} – {window_end}).",
        "{act_en} ({activity_start} – {activity_end}) took place outside the period authorized by «{auth}» "
        "({window_start} – {window_end}).",
    ),
    "outside_periods": (
        "{act_es} ocurrió al menos en parte fuera de los periodos autorizados por «{auth}» ({periods}).",
        "{act_en} took place at least partly outside the periods authorized by «{auth}» ({periods}).",
    ),
    "periods_imprecise": (
        "Las fechas de {act_es} no son lo bastante precisas para saber si cayó dentro de los periodos de «{auth}» "
        "({periods}).",
        "The dates of {act_en} are not precise enough to tell whether it fell within the periods of «{auth}» "
        "({periods}).",
    ),
    "window_open": (
        "El periodo autorizado por «{auth}» no está completo en el registro ({window_start} – {window_end}).",
        "The period authorized by «{auth}» is not complete in the record ({window_start} – {window_end}).",
    ),
    "window_imprecise": (
        "Las fechas de {act_es} ({activity_start} – {activity_end}) o del periodo de «{auth}» ({window_start} – "
        "{window_end}) no son lo bastante precisas: pudo caer dentro o fuera.",
        "The dates of {act_en} ({activity_start} – {activity_end}) or of the period of «{auth}» ({window_start} – "
        "{window_end}) are not precise enough: it may have fallen inside or outside.",
    ),
    "limits_unknown": (
        "No determinable: los límites de «{auth}» no se conocen (falta: {missing_es}).",
        "Undetermined: the limits of «{auth}» are not known (missing: {missing_en}).",
    ),
    "personnel_unknown": (
        "«{auth}» autoriza {limit} efectivos, pero no se sabe cuántos participaron en {act_es}.",
        "«{auth}» authorizes {limit} personnel, but how many took part in {act_en} is not known.",
    ),
    "personnel_over": (
        "Participaron en {act_es} más efectivos extranjeros (al menos {floor}) que los {limit} autorizados por "
        "«{auth}».",
        "More foreign personnel took part in {act_en} (at least {floor}) than the {limit} authorized by «{auth}».",
    ),
    "personnel_with_host": (
        "Participaron en {act_es} al menos {floor} efectivos, más que los {limit} autorizados por «{auth}», pero "
        "la cifra incluye personal del país anfitrión: no se sabe cuántos eran extranjeros.",
        "At least {floor} personnel took part in {act_en}, more than the {limit} authorized by «{auth}», but the "
        "figure includes host personnel: how many were foreign is not known.",
    ),
    "personnel_maybe_over": (
        "Solo la estimación alta de participantes en {act_es} ({top}) supera los {limit} autorizados por «{auth}».",
        "Only the high estimate of participants in {act_en} ({top}) exceeds the {limit} authorized by «{auth}».",
    ),
    "place_unknown": (
        "No se sabe con precisión dónde ocurrió {act_es}; «{auth}» autoriza: {authorized}.",
        "Where {act_en} took place is not known precisely; «{auth}» authorizes: {authorized}.",
    ),
    "place_not_authorized": (
        "{act_es} ocurrió en lugares que «{auth}» no autoriza ({unmatched}); autorizados: {authorized}.",
        "{act_en} took place where «{auth}» does not authorize ({unmatched}); authorized: {authorized}.",
    ),
    "place_unmatched": (
        "Los lugares de {act_es} ({unmatched}) no coinciden con los autorizados por «{auth}» ({authorized}), pero "
        "podrían estar dentro de uno de ellos.",
        "The places of {act_en} ({unmatched}) do not match those authorized by «{auth}» ({authorized}), but may lie "
        "within one of them.",
    ),
    "items_not_listed": (
        "En {act_es} se informan armas, naves o aeronaves que «{auth}» no incluye: {items}.",
        "Weapons, vessels or aircraft reported in {act_en} are not listed by «{auth}»: {items}.",
    ),
}

#: added to the explanation of a breach of an authorization that matches the activity only by countries and dates
UNLINKED = (
    "Ningún registro dice que esa autorización cubra esta actividad (coinciden sus países y fechas): puede que la "
    "cubra otra, así que no se afirma un incumplimiento.",
    "No record says that this authorization covers the activity (their countries and dates match): another one may "
    "cover it, so no violation is asserted.",
)

_WHY = {
    "weapons_reported": ("se informan armas en la actividad", "weapons are reported in the activity"),
    "authorization_armed": ("el registro dice que el ingreso es con armas", "the record says the entry is armed"),
}


#: country id → (Spanish name, English name) when none are given: ids are shown (readers pass the database's names)
Names = dict[str, tuple[str, str]]


def _text(v: Any) -> str:
    if v is None:
        return "?"
    if isinstance(v, list | tuple | set | frozenset):
        items = sorted(v) if isinstance(v, set | frozenset) else v
        return ", ".join(_text(x) for x in items) or "—"
    if hasattr(v, "isoformat"):
        return str(v.isoformat())
    return str(v)


def _fields(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


#: the placeholders each explanation uses: only those are computed (this runs once per finding kept)
_FIELDS = {code: _fields(es) | _fields(en) for code, (es, en) in TEXTS.items()}


def _names(ids: Any, which: int, names: Names) -> str:
    ids = sorted(ids) if isinstance(ids, set | frozenset | list | tuple) else [ids] if ids else []
    return ", ".join(names.get(str(i), (str(i), str(i)))[which] for i in ids) or "—"


def explain(code: str, auth_label: str, values: dict[str, Any], names: Names | None = None) -> tuple[str, str]:
    """The Spanish and English explanation of one finding from its reason ``code``, the label of the authorization
    it was checked against (empty: none) and its plain values (JSON: dates as ISO text); ``names``: country names by
    id. An unknown code (a finding stored by another version) gives empty texts."""
    if code not in TEXTS:
        return "", ""
    names = names or {}
    es, en = TEXTS[code]
    need = _FIELDS[code]
    common = {k: _text(v) for k, v in values.items() if k in need}
    common["act_es"], common["act_en"] = "la actividad", "the activity"  # its name is shown beside the finding
    for key in ("host", "foreign"):
        if f"{key}_es" in need or f"{key}_en" in need:
            common[f"{key}_es"] = _names(values.get(key), 0, names)
            common[f"{key}_en"] = _names(values.get(key), 1, names)
    common["auth"] = auth_label
    if "floor" in need or "top" in need:
        low, best, high = values.get("low"), values.get("best"), values.get("high")
        common["floor"] = _text(low if low is not None else best)
        common["top"] = _text(max((x for x in (low, best, high) if x is not None), default=None))
    if "periods" in values:
        common["periods"] = "; ".join(f"{_text(s)} – {_text(e)}" for s, e in values["periods"])
    if "requires_es" in need or "requires_en" in need:
        req = values.get("requires", "none")
        common["requires_es"], common["requires_en"] = _LEVEL.get(req, (req, req))
    if "missing_es" in need or "missing_en" in need:
        missing = values.get("missing", [])
        common["missing_es"] = ", ".join(_MISSING[m][0] for m in missing) or "—"
        common["missing_en"] = ", ".join(_MISSING[m][1] for m in missing) or "—"
    if "why_es" in need or "why_en" in need:
        why = values.get("why", "")
        common["why_es"], common["why_en"] = _WHY.get(why, (why, why))
    known = _Unknown(common)
    es, en = _sentences(es.format_map(known)), _sentences(en.format_map(known))
    if values.get("unlinked"):
        es, en = f"{es} {UNLINKED[0]}", f"{en} {UNLINKED[1]}"
    return es, en


class _Unknown(dict[str, str]):
    """The placeholders of an explanation; one its values lack (stored by another version) reads "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


def _sentences(text: str) -> str:
    """Each sentence starts with a capital letter ("la actividad …" at the start of one)."""
    if text[:1] in _LOWER:
        text = text[0].upper() + text[1:]
    if ". " in text:
        text = _AFTER_STOP.sub(lambda m: ". " + m.group(1).upper(), text)
    return text


_LOWER = frozenset("abcdefghijklmnopqrstuvwxyzáéíóú")
_AFTER_STOP = re.compile(r"\. ([a-záéíóú])")
