"""Logging set-up. Personal data (names, e-mail addresses) is never logged at info level:
log identifiers (statement ids, credential keys, workshop ids) instead."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
