"""People accounts, personal API tokens and the audit log: roles bound to real county and
municipality codes, unique e-mail addresses, only hashes at rest (Argon2id for passwords,
SHA-256 for 256-bit token secrets), and revocation
(or disabling) that takes effect on the very next request. On each storage engine."""

from __future__ import annotations

import asyncio
import re

import pytest

from lrs_bridge.auth.access import Principal, Role
from lrs_bridge.config import Settings
from lrs_bridge.people.service import PeopleError, parse_token
from tests.lrs_bridge.conftest import EngineServices, open_engine_services

PEOPLE_TABLES = ("users", "user_tokens", "audit_log")


async def test_each_role_gets_its_place_and_its_principal(engine: EngineServices) -> None:
    people = engine.people
    national = await people.create_user("Anna.Admin@Val.se", "national-admin")
    county = await people.create_user("karl@lansstyrelsen.se", Role.COUNTY_ADMIN, county="21")
    whole = await people.create_user("eva@lansstyrelsen.se", "coordinator", county="21")
    local = await people.create_user("olle@gavle.se", "coordinator", municipality="2180")
    assert national.principal() == Principal(national.id, Role.NATIONAL_ADMIN, None, None)
    assert county.principal() == Principal(county.id, Role.COUNTY_ADMIN, "21", None)
    assert whole.principal() == Principal(whole.id, Role.COORDINATOR, "21", None)
    # A municipality coordinator's county follows from the municipality code.
    assert local.principal() == Principal(local.id, Role.COORDINATOR, "21", "2180")
    assert national.email == "Anna.Admin@Val.se"  # kept as given; unique case-insensitively
    assert [u.id for u in await people.list_users()] == [national.id, county.id, whole.id, local.id]
    assert (await people.find_user("anna.admin@VAL.se")) == national
    assert (await people.find_user(str(local.id))) == local


@pytest.mark.parametrize(
    ("role", "county", "municipality", "message"),
    [
        ("national-admin", "21", None, "a national admin has no county or municipality"),
        ("county-admin", None, None, "a county admin needs --county"),
        ("county-admin", "21", "2180", "a county admin has a county, not a municipality"),
        ("county-admin", "02", None, "unknown county code '02' (two digits, e.g. 21)"),
        ("coordinator", None, None, "a coordinator needs --county or --municipality"),
        ("coordinator", "21", "0180", "municipality 0180 does not lie in county 21"),
        (
            "coordinator",
            None,
            "2199",
            "unknown municipality code '2199' (four digits, e.g. 2180)",
        ),
        (
            "superuser",
            None,
            None,
            "unknown role 'superuser'; known: national-admin, county-admin, coordinator",
        ),
    ],
)
async def test_a_role_without_its_right_place_is_refused(
    engine: EngineServices, role: str, county: str | None, municipality: str | None, message: str
) -> None:
    with pytest.raises(PeopleError) as refused:
        await engine.people.create_user("x@example.se", role, county, municipality)
    assert str(refused.value) == message
    assert await engine.people.list_users() == []


async def test_e_mail_addresses_are_unique_whatever_their_case(engine: EngineServices) -> None:
    await engine.people.create_user("karl@lansstyrelsen.se", "county-admin", county="21")
    with pytest.raises(PeopleError, match="a person with this e-mail address exists already"):
        await engine.people.create_user("KARL@Lansstyrelsen.se", "coordinator", county="03")
    with pytest.raises(PeopleError, match="not an e-mail address: 'karl'"):
        await engine.people.create_user("karl", "national-admin")
    assert len(await engine.people.list_users()) == 1


async def test_tokens_authenticate_and_are_kept_only_as_sha256_hashes(
    engine: EngineServices,
) -> None:
    user = await engine.people.create_user("karl@lansstyrelsen.se", "county-admin", county="21")
    first = await engine.people.issue_token(str(user.id))
    second = await engine.people.issue_token("KARL@lansstyrelsen.se")
    parsed = parse_token(first.token)
    assert parsed is not None and parsed[0] == first.info.id
    assert first.token.startswith(f"lrsb_{first.info.id}_")
    for token in (first.token, second.token):
        assert await engine.people.authenticate(token) == user.principal()
        assert await engine.people.authenticate(token) == user.principal()  # again

    secret = parsed[1]
    wrong = first.token[:-4] + ("aaaa" if not first.token.endswith("aaaa") else "bbbb")
    assert await engine.people.authenticate(wrong) is None
    assert await engine.people.authenticate("lrsb_0000000000000000_" + "x" * 43) is None
    assert await engine.people.authenticate("not a token") is None
    assert await engine.people.authenticate(first.token) == user.principal()  # still good

    stored = await engine.dump(*PEOPLE_TABLES)
    assert first.token not in stored and secret not in stored and second.token not in stored
    hashes = [row[0] for row in await engine.outside("SELECT secret_hash FROM user_tokens")]
    assert len(hashes) == 2 and all(re.fullmatch(r"sha256\$[0-9a-f]{64}", h) for h in hashes)


async def test_a_revoked_token_fails_on_the_next_request(engine: EngineServices) -> None:
    user = await engine.people.create_user("olle@gavle.se", "coordinator", municipality="2180")
    kept = await engine.people.issue_token(str(user.id))
    dropped = await engine.people.issue_token(str(user.id))
    assert await engine.people.authenticate(dropped.token) is not None
    revoked = await engine.people.revoke_token(dropped.info.id)
    assert revoked.id == dropped.info.id and revoked.revoked_at is not None
    assert await engine.people.authenticate(dropped.token) is None
    assert await engine.people.authenticate(kept.token) == user.principal()
    with pytest.raises(PeopleError, match=f"no active token '{dropped.info.id}'"):
        await engine.people.revoke_token(dropped.info.id)
    # A whole token pasted instead of its id revokes that token.
    await engine.people.revoke_token(kept.token)
    assert await engine.people.authenticate(kept.token) is None


async def test_revocation_in_another_process_counts_at_once(engine: EngineServices) -> None:
    """A token another process (the CLI, another instance) revoked fails at once here: the
    row is read on every request."""
    user = await engine.people.create_user("karl@lansstyrelsen.se", "county-admin", county="21")
    token = await engine.people.issue_token(str(user.id))
    assert await engine.people.authenticate(token.token) is not None
    await engine.outside("UPDATE user_tokens SET revoked_at = 1 WHERE id = ?", token.info.id)
    assert await engine.people.authenticate(token.token) is None


async def test_disabling_a_person_ends_every_token_and_password(engine: EngineServices) -> None:
    user = await engine.people.create_user(
        "eva@lansstyrelsen.se", "coordinator", county="21", password="korrekt häst batteri"
    )
    token = await engine.people.issue_token(str(user.id))
    found = await engine.people.verify_password("EVA@lansstyrelsen.se", "korrekt häst batteri")
    assert found is not None and found.principal() == user.principal()
    assert await engine.people.verify_password("eva@lansstyrelsen.se", "fel lösenord!!") is None
    assert await engine.people.authenticate(token.token) is not None

    disabled = await engine.people.disable_user("eva@lansstyrelsen.se")
    assert disabled.disabled_at is not None and not disabled.active
    assert await engine.people.authenticate(token.token) is None
    assert (
        await engine.people.verify_password("eva@lansstyrelsen.se", "korrekt häst batteri") is None
    )
    assert [t.active for t in await engine.people.tokens_of(user.id)] == [False]
    with pytest.raises(PeopleError, match="no active person"):
        await engine.people.issue_token(str(user.id))
    with pytest.raises(PeopleError, match=f"person {user.id} is disabled already"):
        await engine.people.disable_user(str(user.id))
    assert "korrekt häst batteri" not in await engine.dump(*PEOPLE_TABLES)


async def test_passwords_are_at_least_twelve_characters(engine: EngineServices) -> None:
    with pytest.raises(PeopleError, match="a password has at least 12 characters"):
        await engine.people.create_user("a@b.se", "national-admin", password="kort")
    user = await engine.people.create_user("a@b.se", "national-admin")
    assert await engine.people.verify_password("a@b.se", "") is None  # no password yet
    await engine.people.set_password("a@b.se", "ett längre lösenord")
    found = await engine.people.verify_password("a@b.se", "ett längre lösenord")
    assert found is not None and found.principal() == user.principal()


async def test_the_audit_log_names_people_by_id_and_is_read_by_county(
    engine: EngineServices,
) -> None:
    national = await engine.people.create_user("anna@val.se", "national-admin")
    karl = await engine.people.create_user("karl@lansstyrelsen.se", "county-admin", county="21")
    other = await engine.people.create_user("lisa@lansstyrelsen.se", "county-admin", county="14")
    token = await engine.people.issue_token(str(karl.id), actor=national.principal())
    await engine.people.revoke_token(token.info.id, actor=national.principal())

    entries = await engine.audit.entries(national.principal())
    assert [(e.action, e.actor_id, e.object_type, e.object_id, e.county) for e in entries] == [
        ("token.revoke", national.id, "token", token.info.id, "21"),
        ("token.create", national.id, "token", token.info.id, "21"),
        ("user.create", None, "user", str(other.id), "14"),
        ("user.create", None, "user", str(karl.id), "21"),
        ("user.create", None, "user", str(national.id), None),
    ]
    assert entries[0].details == {"user": karl.id}
    assert "@" not in str([e.as_json() for e in entries])  # never an e-mail address

    # A county admin reads their own county's entries only, whatever county they ask for.
    own = await engine.audit.entries(karl.principal())
    assert [e.id for e in own] == [entries[0].id, entries[1].id, entries[3].id]
    assert await engine.audit.entries(karl.principal(), county="14") == []
    assert [e.county for e in await engine.audit.entries(other.principal())] == ["14"]
    # Paging back with ``before``.
    page = await engine.audit.entries(national.principal(), before=entries[1].id, limit=2)
    assert [e.id for e in page] == [entries[2].id, entries[3].id]
    assert [e.id for e in await engine.audit.entries(national.principal(), county="14")] == [
        entries[2].id
    ]


async def test_two_instances_on_one_postgresql_share_people_at_once(
    postgres_url: str, settings: Settings
) -> None:
    """Instances behind one load balancer: a token issued by one works on the other, one
    address created on both at once is stored once, and disabling a person on one ends
    their tokens on the other at the next request."""
    first = await open_engine_services(postgres_url, settings)
    second = await open_engine_services(postgres_url, settings)
    try:
        user = await first.people.create_user("karl@lansstyrelsen.se", "county-admin", "21")
        token = await first.people.issue_token(str(user.id))
        assert await second.people.authenticate(token.token) == user.principal()

        both = await asyncio.gather(
            first.people.create_user("eva@lansstyrelsen.se", "coordinator", "21"),
            second.people.create_user("EVA@lansstyrelsen.se", "coordinator", "21"),
            return_exceptions=True,
        )
        refused = [outcome for outcome in both if isinstance(outcome, PeopleError)]
        assert len(refused) == 1, both
        assert [u.email.lower() for u in await second.people.list_users()] == [
            "karl@lansstyrelsen.se",
            "eva@lansstyrelsen.se",
        ]

        await first.people.disable_user(str(user.id))
        assert await second.people.authenticate(token.token) is None
    finally:
        await first.close()
        await second.close()
