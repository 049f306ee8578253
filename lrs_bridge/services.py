"""The running service's parts, opened and closed together (by the app and by the CLI)."""

from __future__ import annotations

from dataclasses import dataclass

from lrs_bridge.auth.credentials import CredentialService
from lrs_bridge.config import Settings
from statements.log import StatementLog
from statements.signature import check_signature
from statements.storage import Store, open_store


@dataclass
class Services:
    settings: Settings
    store: Store
    statements: StatementLog
    credentials: CredentialService

    @classmethod
    def build(cls, settings: Settings) -> Services:
        store = open_store(settings.database_url, max_pending_writes=settings.max_pending_writes)
        return cls(
            settings=settings,
            store=store,
            statements=StatementLog(
                store, max_limit=settings.max_statements_per_page, check_signature=check_signature
            ),
            credentials=CredentialService(store, settings.base_url),
        )

    async def open(self) -> None:
        await self.store.open()

    async def close(self) -> None:
        await self.store.close()
