"""Actors: Agents and Groups with their inverse functional identifiers (Data 2.4.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from statements.models.base import IRI, IRL, MailtoIRI, Sha1Hex, XapiModel

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


class Account(XapiModel):
    homePage: IRL
    name: str


class _Identified(XapiModel):
    name: str | None = None
    mbox: MailtoIRI | None = None
    mbox_sha1sum: Sha1Hex | None = None
    openid: IRI | None = None
    account: Account | None = None

    def ifi_count(self) -> int:
        return sum(getattr(self, key) is not None for key in IFI_KEYS)


class Agent(_Identified):
    objectType: Literal["Agent"] | None = None

    @model_validator(mode="after")
    def _exactly_one_ifi(self) -> Agent:
        if self.ifi_count() != 1:
            raise PydanticCustomError(
                "xapi_ifi",
                "an Agent must have exactly one of mbox, mbox_sha1sum, openid, account",
            )
        return self


class Group(_Identified):
    objectType: Literal["Group"]
    member: list[Agent] | None = None

    @model_validator(mode="after")
    def _identified_or_anonymous(self) -> Group:
        count = self.ifi_count()
        if count > 1:
            raise PydanticCustomError(
                "xapi_ifi",
                "a Group must have at most one of mbox, mbox_sha1sum, openid, account",
            )
        if count == 0 and not self.member:
            raise PydanticCustomError(
                "xapi_group", "an anonymous Group (no identifier) must list its members"
            )
        return self


Actor = Agent | Group
