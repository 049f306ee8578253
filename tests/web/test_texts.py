"""The text catalogues: every key a page, a template or the domain uses has a Swedish and an
English entry, with the same placeholders, in the catalogue of its package (web texts in
``lrs_bridge.web.texts``, e-mail, export and upload texts in ``reports.texts``)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from lrs_bridge.web import pages
from lrs_bridge.web import texts as web_texts
from reports import texts as report_texts

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "lrs_bridge" / "web" / "templates"
SOURCES = [*(ROOT / "lrs_bridge").rglob("*.py"), *(ROOT / "reports").rglob("*.py")]
LITERAL = re.compile(
    r"""\b(?:t|text|ctx\.t|self\.t)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']\s*([,)+])"""
)
PREFIX = re.compile(r"""\b(?:t|text|has)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)*\.)["']\s*\+""")
AUDIT = re.compile(
    r"""(?:audit\.record|\baudit)\(\s*[^,()]+,\s*(?:[^,()]+,\s*)?["']([a-z_]+\.[a-z_.]+)["']"""
)


def _files() -> list[Path]:
    return [*TEMPLATES.glob("*.html"), *SOURCES]


def _catalogue_for(path: Path) -> dict[str, dict[str, str]]:
    return report_texts.CATALOGUE if path.is_relative_to(ROOT / "reports") else web_texts.CATALOGUE


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("catalogue", [web_texts.CATALOGUE, report_texts.CATALOGUE])
def test_every_entry_has_both_languages_with_the_same_placeholders(
    catalogue: dict[str, dict[str, str]],
) -> None:
    for key, entry in catalogue.items():
        assert set(entry) in ({"sv", "en"}, {"sv", "en", "sv.one", "en.one"}), key
        assert all(value.strip() for value in entry.values()), key
        assert all(_fields(value) == _fields(entry["sv"]) for value in entry.values()), key


@pytest.mark.parametrize(
    ("key", "count", "swedish"),
    [
        ("web.reminders.send", 1, "Skicka 1 påminnelse"),
        ("web.reminders.send", 2, "Skicka 2 påminnelser"),
        ("web.upload.added", 1, "1 ny"),
        ("web.upload.added", 3, "3 nya"),
        ("web.nation.workshops", 1, "1 workshop"),
        ("web.nation.workshops", 0, "0 workshoppar"),
    ],
)
def test_counted_texts_agree_in_number(key: str, count: int, swedish: str) -> None:
    assert web_texts.text(key, "sv", count=count) == swedish


def test_every_counted_text_has_a_singular_form() -> None:
    counted = [
        key
        for key, entry in web_texts.CATALOGUE.items()
        if "count" in _fields(entry["sv"]) and "sv.one" not in entry
    ]
    # Even where the Swedish is the same ("1 fel", "2 fel"), the English is not.
    assert counted == []


def test_web_keys_live_in_the_web_catalogue_only() -> None:
    assert all(key.startswith("web.") for key in web_texts.CATALOGUE)
    assert not any(key.startswith("web.") for key in report_texts.CATALOGUE)


def test_every_key_used_in_code_or_templates_has_an_entry() -> None:
    missing = []
    for path in _files():
        source = path.read_text("utf-8")
        catalogue = _catalogue_for(path)
        for key, after in LITERAL.findall(source):
            if after == "+":
                continue
            if key not in catalogue and key not in report_texts.CATALOGUE:
                missing.append(f"{path.relative_to(ROOT)}: {key}")
        for prefix in PREFIX.findall(source):
            if not any(k.startswith(prefix) for k in (*catalogue, *report_texts.CATALOGUE)):
                missing.append(f"{path.relative_to(ROOT)}: {prefix}*")
    assert not missing, missing


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("web.status.", pages.STATUSES),
        ("web.sort.", pages.SORTS),
        ("web.reminders.status.", ("sent", "failed", "skipped", "pending")),
    ],
)
def test_every_value_shown_by_key_has_an_entry(prefix: str, values: tuple[str, ...]) -> None:
    assert [v for v in values if prefix + v not in web_texts.CATALOGUE] == []


def test_every_audit_action_recorded_has_a_name() -> None:
    actions = {a for path in SOURCES for a in AUDIT.findall(path.read_text("utf-8"))}
    assert "workshop.create" in actions  # the pattern still finds the calls
    missing = sorted(a for a in actions if "web.audit.action." + a not in web_texts.CATALOGUE)
    assert missing == []


def test_every_rule_the_domain_refuses_with_has_a_text_for_people() -> None:
    """The API's ``text`` of a refusal comes from ``api.rule.<rule>`` (usability test F1)."""
    raised = re.compile(r'\bbad\(\s*[^,]+,\s*"([a-z_]+)"')
    rules = {
        r for path in (ROOT / "reports").rglob("*.py") for r in raised.findall(path.read_text())
    }
    assert {"required", "date", "datetime", "control_character"} <= rules
    missing = sorted(r for r in rules if "api.rule." + r not in report_texts.CATALOGUE)
    assert missing == []


def test_a_row_problem_is_told_in_its_own_words() -> None:
    detail = {
        "rule": "bad_email",
        "field": "email",
        "key": "upload.problem.email_bad",
        "values": {"email": "a@b"},
    }
    assert report_texts.problem_text(detail, "sv").startswith("E-postadressen a@b är felskriven")
    assert report_texts.problem_text({"rule": "nonsense", "path": "x"}, "en") == (
        "x has a value that cannot be used."
    )
