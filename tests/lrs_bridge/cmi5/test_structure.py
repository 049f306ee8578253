"""Reading cmi5 course structures: what is taken, and each refusal naming the element and
the rule (with its Swedish and English text), before anything could be saved."""

from __future__ import annotations

import io
import zipfile

import pytest

from lrs_bridge.cmi5.structure import read_package
from reports.texts import problem_text
from statements.errors import BadRequest
from tests.lrs_bridge.cmi5.packages import COURSE_ID, NS, au, block, package, structure

AU_URL = "https://kurser.example.se/au1/index.html"


def refused(data: bytes) -> dict[str, object]:
    with pytest.raises(BadRequest) as caught:
        read_package(data)
    assert len(caught.value.details) == 1
    detail: dict[str, object] = caught.value.details[0]
    return detail


def test_a_structure_with_blocks_and_aus_is_read_with_its_launch_data() -> None:
    xml = structure(
        au(
            1,
            AU_URL,
            move_on="Passed",
            mastery="0.75",
            launch_parameters="lang=sv",
            extra=' launchMethod="OwnWindow"',
        ),
        block(
            1,
            au(2, "https://kurser.example.se/au2/", move_on=None, mastery=None),
            block(2, au(3, "https://kurser.example.se/au3/", move_on="Completed")),
        ),
    )
    found = read_package(xml)
    s = found.structure
    assert not found.packaged
    assert s.publisher_id == COURSE_ID
    assert s.title == {"sv-SE": "Valsäkerhet cmi5", "en-US": "Election security cmi5"}
    assert [a.publisher_id for a in s.aus] == [f"{COURSE_ID}/au/{n}" for n in (1, 2, 3)]
    first, second, third = s.aus
    assert (first.move_on, first.mastery_score, first.launch_method) == (
        "Passed",
        "0.75",
        "OwnWindow",
    )
    assert first.launch_parameters == "lang=sv"
    assert (second.move_on, second.mastery_score, second.launch_method) == (
        "NotApplicable",
        None,
        "AnyWindow",
    )
    assert second.parents == (0,) and third.parents == (0, 1)
    assert [b.publisher_id for b in s.blocks] == [f"{COURSE_ID}/block/1", f"{COURSE_ID}/block/2"]


def test_a_zip_package_keeps_its_files_and_its_relative_urls() -> None:
    data = package(
        structure(au(1, "au/index.html?start=1")),
        {
            "au/index.html": b"<html></html>",
            "au/app.js": b"1;",
        },
    )
    found = read_package(data)
    assert found.packaged
    assert {f.path: f.content_type for f in found.files} == {
        "au/index.html": "text/html",
        "au/app.js": "text/javascript",
    }
    assert found.structure.aus[0].url == "au/index.html?start=1"
    assert found.structure.aus[0].packaged


@pytest.mark.parametrize(
    ("data", "element", "rule"),
    [
        (b"<courseStructure", "cmi5.xml", "xml_syntax"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><courseStructure xmlns="'
            + NS.encode()
            + b'">&a;</courseStructure>',
            "cmi5.xml",
            "xml_forbidden",
        ),
        (b'<courseStructure xmlns="urn:other"/>', "courseStructure", "root"),
        (structure(), "courseStructure/au", "required"),
        (structure(au(1, AU_URL, move_on="Done")), "courseStructure/au[1]/@moveOn", "enum"),
        (
            structure(au(1, AU_URL, mastery="1.5")),
            "courseStructure/au[1]/@masteryScore",
            "mastery_score",
        ),
        (
            structure(au(1, AU_URL, mastery="0.12345")),
            "courseStructure/au[1]/@masteryScore",
            "mastery_score",
        ),
        (
            structure(au(1, AU_URL, extra=' launchMethod="Popup"')),
            "courseStructure/au[1]/@launchMethod",
            "enum",
        ),
        (structure(au(1, AU_URL), au(1, AU_URL)), "courseStructure/au[2]/@id", "duplicate_id"),
        (structure(au(1, "au/index.html")), "courseStructure/au[1]/url", "relative_url"),
        (structure(au(1, "javascript:alert(1)")), "courseStructure/au[1]/url", "url_scheme"),
        (structure(au(1, AU_URL), course_id="not an iri"), "courseStructure/course[1]/@id", "iri"),
        (structure(au(1, AU_URL), block(1)), "courseStructure/block[1]", "empty_block"),
        (
            structure(au(1, AU_URL).replace("<url>", "<adress>x</adress><url>")),
            "courseStructure/au[1]/adress[1]",
            "unknown_element",
        ),
        (
            structure(au(1, AU_URL).replace("<url>" + AU_URL + "</url>", "")),
            "courseStructure/au[1]/url",
            "required",
        ),
    ],
)
def test_a_bad_structure_is_refused_naming_the_element_and_the_rule(
    data: bytes, element: str, rule: str
) -> None:
    detail = refused(data)
    assert (detail["path"], detail["rule"]) == (element, rule)
    swedish = problem_text(detail, "sv")
    english = problem_text(detail, "en")
    assert swedish != english
    assert "{" not in swedish and "{" not in english


def test_vendor_extensions_in_other_namespaces_are_ignored() -> None:
    xml = structure(au(1, AU_URL).replace("<url>", '<v:x xmlns:v="urn:vendor">1</v:x><url>'))
    assert len(read_package(xml).structure.aus) == 1


def test_a_package_without_cmi5_xml_or_with_a_missing_file_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("course/cmi5.xml", structure(au(1, AU_URL)))
    assert refused(buffer.getvalue())["rule"] == "missing_structure"
    missing = refused(package(structure(au(1, "au/start.html")), {"au/index.html": b""}))
    assert (missing["path"], missing["rule"]) == ("courseStructure/au[1]/url", "missing_file")
    assert "au/start.html" in problem_text(missing, "sv")


@pytest.mark.parametrize("name", ["../escape.html", "/etc/passwd", "a\\b.html", "C:/x.html"])
def test_unsafe_paths_in_a_package_are_refused(name: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cmi5.xml", structure(au(1, AU_URL)))
        archive.writestr(zipfile.ZipInfo(name), b"x")
    assert refused(buffer.getvalue())["rule"] == "unsafe_path"


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cmi5.xml", structure(au(1, AU_URL)))
        archive.writestr("big.bin", b"\0" * (20 * 1024 * 1024))
    detail = refused(buffer.getvalue())
    assert (detail["path"], detail["rule"]) == ("big.bin", "zip_bomb")


def test_garbage_is_not_a_package() -> None:
    assert refused(b"PK\x03\x04 not really a zip")["rule"] == "zip"
