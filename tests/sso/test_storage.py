"""The log-ins under way and the identities used, on both engines: a flow is taken once,
not after its lifetime, not for another provider or kind; an identity is new once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lrs_bridge.sso.storage import FLOW_LIFETIME, TICKET_LIFETIME, Flow, SsoStorage
from statements.storage import Store


def flow(flow_id: str, kind: str = "request", user_id: int | None = None) -> Flow:
    return Flow(flow_id, kind, "idp", "browser-hash", "nonce", "verifier", "/next", user_id)


async def test_a_flow_is_taken_once(store: Store) -> None:
    storage, now = SsoStorage(store), datetime.now(UTC)
    await storage.add_flow(flow("a"), now)
    assert await storage.take_flow("a", "request", "other-idp", now) is None
    assert await storage.take_flow("a", "ticket", "idp", now) is None
    assert await storage.take_flow("a", "request", "idp", now) == flow("a")
    assert await storage.take_flow("a", "request", "idp", now) is None


async def test_old_flows_and_tickets_are_not_taken_and_are_cleared(store: Store) -> None:
    storage, now = SsoStorage(store), datetime.now(UTC)
    await storage.add_flow(flow("old"), now - FLOW_LIFETIME - timedelta(seconds=1))
    await storage.add_flow(
        flow("ticket", "ticket", 7), now - TICKET_LIFETIME - timedelta(seconds=1)
    )
    assert await storage.take_flow("old", "request", "idp", now) is None
    assert await storage.take_flow("ticket", "ticket", "idp", now) is None
    await storage.add_flow(flow("new"), now)  # clears what is older than a flow's lifetime
    rows = await store.read("SELECT id FROM sso_flows ORDER BY id")
    assert [row[0] for row in rows] == ["new", "ticket"]  # the ticket is not that old yet


async def test_an_identity_is_new_once_until_it_expires(store: Store) -> None:
    storage, now = SsoStorage(store), datetime.now(UTC)
    later = now + timedelta(minutes=5)
    assert await storage.first_use("idp", "assertion-1", later, now)
    assert not await storage.first_use("idp", "assertion-1", later, now)
    assert await storage.first_use("other-idp", "assertion-1", later, now)
    # once expired it is forgotten (its token or assertion is refused as expired anyway)
    assert await storage.first_use("idp", "assertion-1", later, later + timedelta(seconds=1))
