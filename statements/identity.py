"""Normalised keys for agents: how an actor is found again, in queries and in reports.

A key is ``<ifi>:<value>``: ``mbox:`` + lower-cased address without ``mailto:``,
``mbox_sha1sum:`` + lower-cased hex, ``openid:`` + the URI, ``account:`` + homePage +
a space + name. E-mail addresses are case-insensitive in practice (Storyline sends what
the LMS typed), so ``mbox`` keys are lower-cased; everything else is compared exactly.
"""

from __future__ import annotations

import hashlib
from typing import Any

from statements.errors import BadRequest


def agent_key(agent: dict[str, Any]) -> str | None:
    """The key of an Agent or identified Group; None for an anonymous Group."""
    if "mbox" in agent:
        return "mbox:" + str(agent["mbox"]).removeprefix("mailto:").lower()
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + str(agent["mbox_sha1sum"]).lower()
    if "openid" in agent:
        return "openid:" + str(agent["openid"])
    account = agent.get("account")
    if isinstance(account, dict):
        return f"account:{account.get('homePage')} {account.get('name')}"
    return None


def mbox_sha1sum(email: str) -> str:
    """sha1("mailto:" + lower-cased address), as the spec's mbox_sha1sum."""
    return hashlib.sha1(("mailto:" + email.strip().lower()).encode()).hexdigest()


def keys_of_actor(actor: dict[str, Any]) -> list[str]:
    """Keys that match an actor in an ``agent`` filter: itself and, for a Group, its members
    (Communication 2.1.3: groups whose members match are a match)."""
    keys = []
    own = agent_key(actor)
    if own is not None:
        keys.append(own)
    if actor.get("objectType") == "Group":
        for member in actor.get("member") or ():
            member_key = agent_key(member)
            if member_key is not None:
                keys.append(member_key)
    return keys


def parse_agent_param(data: Any) -> str:
    """Validate the ``agent`` query/document parameter and return its key."""
    from pydantic import ValidationError

    from statements.models.agents import Agent, Group
    from statements.validation import _details

    if not isinstance(data, dict):
        raise BadRequest(
            "'agent' must be a JSON object",
            [{"path": "agent", "rule": "type", "message": "must be an Agent or Group object"}],
        )
    model: type[Agent] | type[Group] = Group if data.get("objectType") == "Group" else Agent
    try:
        model.model_validate(data)
    except ValidationError as error:
        details = _details(error, "agent")
        raise BadRequest(f"invalid 'agent': {details[0]['message']}", details) from None
    key = agent_key(data)
    if key is None:
        raise BadRequest(
            "'agent' must be identified",
            [{"path": "agent", "rule": "xapi_ifi", "message": "must have an identifier"}],
        )
    return key
