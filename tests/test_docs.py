"""The README documents every setting (as datasette's tests/test_docs.py does)."""

from __future__ import annotations

from lrs_bridge.config import Settings
from tests.conftest import ROOT


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [
        f"LRS_BRIDGE_{name.upper()}"
        for name in Settings.model_fields
        if f"`LRS_BRIDGE_{name.upper()}`" not in readme
    ]
    assert missing == []


def test_readme_starts_with_run_and_test() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    first_block = readme.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block
