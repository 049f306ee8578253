"""Who a person from an identity provider is here: the account with their e-mail address,
or (when the provider allows it) a new account from the first rule their attributes match:
exactly that rule's role and place, never more. Anyone else is refused."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lrs_bridge.people.model import User
from lrs_bridge.people.service import PeopleError, PeopleService, check_email
from lrs_bridge.sso.config import Provider

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refused:
    reason: str
    """'no_email', 'unverified' (the provider does not vouch for it), 'unknown' (no
    account, no rule), 'disabled'."""


async def account_for(
    people: PeopleService, provider: Provider, attributes: dict[str, list[str]]
) -> User | Refused:
    values = [v for v in attributes.get(provider.email, []) if v.strip()]
    if len(values) != 1:
        return Refused("no_email")
    try:
        email = check_email(values[0])
    except PeopleError:
        return Refused("no_email")
    user = await people.find_user(email)
    if user is not None:
        return user if user.active else Refused("disabled")
    if not provider.create_accounts:
        return Refused("unknown")
    number, rule = next(
        ((n, r) for n, r in enumerate(provider.rules, 1) if r.matches(attributes)), (0, None)
    )
    if rule is None:
        return Refused("unknown")
    try:
        created = await people.create_user(email, rule.role, rule.county, rule.municipality)
    except PeopleError:
        # Made at the same moment by another log-in (or instance): use that account.
        again = await people.find_user(email)
        if again is None or not again.active:
            return Refused("unknown")
        return again
    # Why this account has its rights: the provider and the rule (no personal data).
    await people.audit.record(
        None,
        "user.sso_create",
        "user",
        str(created.id),
        created.county,
        provider=provider.name,
        rule=number,
        role=rule.role.value,
    )
    log.info("account %d created at first log-in through %s", created.id, provider.name)
    return created
