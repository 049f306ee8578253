"""The counties and municipalities shipped in the package."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reports import places

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def _reference(name: str) -> list[dict[str, str]]:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"the reference file {path} is not present on this machine")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_counties_match_the_reference_file() -> None:
    rows = _reference("sweden_counties.csv")
    assert {row["county_code"]: row["county_name"] for row in rows} == {
        county.code: county.name for county in places.COUNTIES
    }


def test_municipalities_match_the_reference_file() -> None:
    rows = _reference("sweden_municipalities.csv")
    assert {
        row["municipality_code"]: (row["municipality_name"], row["county_code"]) for row in rows
    } == {m.code: (m.name, m.county) for m in places.MUNICIPALITIES}


def test_the_table_itself() -> None:
    assert len(places.COUNTIES) == 21
    assert len(places.MUNICIPALITIES) == 290
    codes = [m.code for m in places.MUNICIPALITIES]
    assert codes == sorted(codes) and len(set(codes)) == 290
    county_codes = {c.code for c in places.COUNTIES}
    assert {"02", "11", "15", "16"}.isdisjoint(county_codes)
    assert {m.county for m in places.MUNICIPALITIES} == county_codes
    assert len(places.municipalities_of("21")) == 10
    assert places.county("1") == places.county("01")
    assert places.county("01") is not None and places.county("01").name == "Stockholms län"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0180", "0180"),
        ("180", "0180"),  # a code Excel turned into a number
        ("Stockholm", "0180"),
        ("stockholms stad", "0180"),
        ("Upplands-Bro", "0139"),
        ("upplands bro kommun", "0139"),
        ("GÄVLE", "2180"),
        ("Gävle kommun", "2180"),
        ("Malung-Sälen", "2023"),
        ("Östra Göinge", "1256"),
        (" Åre ", "2321"),
    ],
)
def test_municipality_by_name_or_code(text: str, code: str) -> None:
    found = places.find_municipality(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", ["", "Gotham", "9999", "01801", "Stockholms län"])
def test_unknown_municipalities(text: str) -> None:
    assert places.find_municipality(text) is None
