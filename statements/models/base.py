"""Shared pieces of the xAPI data model: the strict base model and the string formats.

The spec (Data 2.2) asks the LRS to reject null values outside extensions, wrong JSON
types, unknown keys and badly formatted IRIs, UUIDs, timestamps and language tags.
``XapiModel`` is strict and forbids extra keys; the ``Annotated`` string types below carry
the format rules, each with a message that names the rule broken.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

VERSION_1 = "1.0.3"
VERSION_2 = "2.0.0"


def spec_version(info: ValidationInfo) -> str:
    """The xAPI version a request is validated against (passed in the validation context)."""
    context = info.context or {}
    return str(context.get("version", VERSION_1))


class XapiModel(BaseModel):
    """Strict: no type coercion, no unknown keys, no nulls (outside extensions)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:
                    raise PydanticCustomError(
                        "xapi_null", "'{key}' must not be null", {"key": key, "at": key}
                    )
        return data


def _fail(rule: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(rule, message, context)


# --- IRIs, IRLs and mailto --------------------------------------------------------------

# Best-effort IRI check, as the spec allows (Data 2.2): a scheme, a colon, then no white
# space or characters that RFC 3987 never allows unescaped.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_MAILTO = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.[^@\s/]+$|^mailto:[^@\s:/]+@[^@\s/]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")


def check_iri(value: str) -> str:
    if not _IRI.match(value):
        raise _fail("xapi_iri", "must be an IRI with a scheme, got '{value}'", value=value)
    return value


def check_mailto(value: str) -> str:
    if not _MAILTO.match(value):
        raise _fail(
            "xapi_mailto",
            "must be a mailto IRI of the form 'mailto:name@example.org', got '{value}'",
            value=value,
        )
    return value


def check_uuid(value: str) -> str:
    if not _UUID.match(value):
        raise _fail("xapi_uuid", "must be a UUID, got '{value}'", value=value)
    return value


def check_sha1(value: str) -> str:
    if not _SHA1.match(value):
        raise _fail("xapi_sha1", "must be a hex-encoded SHA-1 (40 hex digits)")
    return value


def check_sha2(value: str) -> str:
    if not _SHA2.match(value):
        raise _fail("xapi_sha2", "must be a hex-encoded SHA-2 hash")
    return value


IRI = Annotated[str, AfterValidator(check_iri)]
IRL = IRI
MailtoIRI = Annotated[str, AfterValidator(check_mailto)]
UUIDStr = Annotated[str, AfterValidator(check_uuid)]
Sha1Hex = Annotated[str, AfterValidator(check_sha1)]
Sha2Hex = Annotated[str, AfterValidator(check_sha2)]


# --- Language tags and maps (RFC 5646) --------------------------------------------------

_LANGTAG = re.compile(
    r"""^(?:
      (?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})  # language (+extlang)
      (?:-[A-Za-z]{4})?                                                  # script
      (?:-(?:[A-Za-z]{2}|[0-9]{3}))?                                     # region
      (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*                     # variants
      (?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*                      # extensions
      (?:-[xX](?:-[A-Za-z0-9]{1,8})+)?                                   # private use
    |[xX](?:-[A-Za-z0-9]{1,8})+                                          # private use only
    |[iI]-[A-Za-z]{2,8}                                                  # grandfathered
    )$""",
    re.VERBOSE,
)


def check_language_tag(value: str) -> str:
    if not _LANGTAG.match(value):
        raise _fail(
            "xapi_language_tag", "must be an RFC 5646 language tag, got '{value}'", value=value
        )
    return value


LanguageTag = Annotated[str, AfterValidator(check_language_tag)]
LanguageMap = dict[LanguageTag, str]


def check_extensions(value: dict[str, Any]) -> dict[str, Any]:
    for key in value:
        check_iri(key)
    return value


# Extension values may be any JSON, null included (Data 2.2).
Extensions = Annotated[dict[str, Any], AfterValidator(check_extensions)]


# --- Timestamps and durations (ISO 8601) ------------------------------------------------

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_timestamp(value: str) -> datetime:
    """Parse an xAPI timestamp; raises a PydanticCustomError naming the rule when invalid.

    RFC 3339 forbids the offset ``-00:00`` ("unknown local offset") and the spec's
    conformance tests reject it; a missing offset is read as UTC (Data 4.5: SHOULD
    include the time zone).
    """
    match = _TIMESTAMP.match(value)
    if match is None:
        raise _fail(
            "xapi_timestamp",
            "must be an ISO 8601 timestamp such as 2026-11-22T12:00:00.000Z, got '{value}'",
            value=value,
        )
    offset = match.group(8)
    if offset is not None and offset.startswith("-") and set(offset[1:]) <= {"0", ":"}:
        raise _fail("xapi_timestamp", "must not use the offset -00:00, got '{value}'", value=value)
    text = value.upper().replace("Z", "+00:00").replace(" ", "T")
    if offset is not None and len(offset) == 3:
        text += ":00"
    elif offset is not None and len(offset) == 5:
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(
            "xapi_timestamp", "is not a valid date and time, got '{value}'", value=value
        ) from None
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def check_timestamp(value: str) -> str:
    parse_timestamp(value)
    return value


Timestamp = Annotated[str, AfterValidator(check_timestamp)]

# ISO 8601 durations: weeks stand alone (PnW); otherwise PnYnMnDTnHnMnS, with a decimal
# fraction allowed on any part (as the conformance tests use it).
_DURATION = re.compile(
    r"^P(?:\d+(?:\.\d+)?W"
    r"|(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$"
)


def check_duration(value: str) -> str:
    if not _DURATION.match(value):
        raise _fail(
            "xapi_duration",
            "must be an ISO 8601 duration such as PT1H30M, got '{value}'",
            value=value,
        )
    return value


Duration = Annotated[str, AfterValidator(check_duration)]
