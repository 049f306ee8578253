"""Attachments (Data 2.4.11)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from statements.models.base import IRI, IRL, LanguageMap, Sha2Hex, XapiModel

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$")


def _check_media_type(value: str) -> str:
    if not _MEDIA_TYPE.match(value):
        raise PydanticCustomError(
            "xapi_content_type", "must be an Internet Media Type, got '{value}'", {"value": value}
        )
    return value


class Attachment(XapiModel):
    usageType: IRI
    display: LanguageMap
    description: LanguageMap | None = None
    contentType: Annotated[str, AfterValidator(_check_media_type)]
    length: Annotated[int, Field(ge=0)]
    sha2: Sha2Hex
    fileUrl: IRL | None = None
