"""Result and Score (Data 2.4.5)."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from statements.models.base import Duration, Extensions, XapiModel


class Score(XapiModel):
    scaled: float | None = None
    raw: float | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Score:
        if self.scaled is not None and not -1 <= self.scaled <= 1:
            raise PydanticCustomError("xapi_score", "'scaled' must be between -1 and 1")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise PydanticCustomError("xapi_score", "'min' must be less than 'max'")
        if self.raw is not None:
            if self.min is not None and self.raw < self.min:
                raise PydanticCustomError("xapi_score", "'raw' must not be less than 'min'")
            if self.max is not None and self.raw > self.max:
                raise PydanticCustomError("xapi_score", "'raw' must not be greater than 'max'")
        return self


class Result(XapiModel):
    score: Score | None = None
    success: bool | None = None
    completion: bool | None = None
    response: str | None = None
    duration: Duration | None = None
    extensions: Extensions | None = None
