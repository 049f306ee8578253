"""The statement store's read side, once for both engines: statement queries, single
statements, the projector's feed, attachments and the credential list, over the store's
port (``read`` with ``?`` placeholders). The write path, its locks and group commit stay
each engine's own (``sqlite``, ``postgres``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from statements.query import StatementQuery
from statements.storage.base import Credential, QueryPage, Store, StoredStatement
from statements.storage.common import credential_of, index_filters, statement_of

STATEMENT_COLUMNS = (
    "s.seq, s.id, s.body, s.stored, s.voided, s.attachments, s.origin_stored, s.credential,"
    " s.source"
)
CREDENTIAL_COLUMNS = "key, secret_hash, label, scopes, created_at, revoked_at"
_LAST_AT = "SELECT seq FROM statements WHERE stored <= ? ORDER BY stored DESC, seq DESC LIMIT 1"


class StatementReads(Store):
    """A store whose reads are shared SQL; an engine sets the few spellings that differ."""

    not_voided = "NOT s.voided"
    """The condition "not voided" as the engine's column type and indexes want it."""
    by_bytes = ""
    """What makes ``ORDER BY`` of text compare bytes (PostgreSQL: ``COLLATE "C"``)."""

    def index_value(self, value: str) -> str:
        """An index value as the engine stores it."""
        return value

    async def get_statement(self, statement_id: str) -> StoredStatement | None:
        rows = await self.read(
            f"SELECT {STATEMENT_COLUMNS} FROM statements s WHERE s.id = ?", statement_id.lower()
        )
        return statement_of(rows[0]) if rows else None

    async def query(self, query: StatementQuery) -> QueryPage:
        bounds = await self._seq_bounds(query)
        if bounds is None:
            return QueryPage([], None)
        low, high = bounds
        sql, params = self.query_sql(query, low, high)
        rows = await self.read(sql, *params)
        statements = [statement_of(row) for row in rows[: query.limit]]
        more = None
        if len(rows) > query.limit and statements:
            more = replace(query, after_seq=statements[-1].seq, through_seq=high)
        return QueryPage(statements, more, high)

    async def _seq_bounds(self, query: StatementQuery) -> tuple[int, int] | None:
        """Translate since/until/paging into an exclusive low and inclusive high seq."""
        low, high = 0, query.through_seq
        if high is None:
            rows = await self.read("SELECT COALESCE(MAX(seq), 0) FROM statements")
            high = int(rows[0][0])
        if query.since is not None:
            rows = await self.read(_LAST_AT, query.since)
            low = rows[0][0] if rows else 0
        if query.until is not None:
            rows = await self.read(_LAST_AT, query.until)
            high = min(high, rows[0][0] if rows else 0)
        if query.after_seq is not None:
            if query.ascending:
                low = max(low, query.after_seq)
            else:
                high = min(high, query.after_seq - 1)
        if high <= low:
            return None
        return low, high

    def query_sql(self, query: StatementQuery, low: int, high: int) -> tuple[str, list[Any]]:
        """The SQL of one page of a query between two seqs (exclusive, inclusive)."""
        order = "ASC" if query.ascending else "DESC"
        filters = index_filters(query)
        params: list[Any] = []
        value_id = "(SELECT id FROM index_values WHERE value = ?)"
        if filters:
            kind, value = filters[0]
            sql = (
                f"SELECT {STATEMENT_COLUMNS} FROM statement_index i"
                " JOIN statements s ON s.seq = i.seq"
                f" WHERE i.kind = ? AND i.value_id = {value_id}"
                f" AND i.seq > ? AND i.seq <= ? AND {self.not_voided}"
            )
            params += [int(kind), self.index_value(value), low, high]
            order_by = f" ORDER BY i.seq {order}"
        else:
            sql = (
                f"SELECT {STATEMENT_COLUMNS} FROM statements s"
                f" WHERE s.seq > ? AND s.seq <= ? AND {self.not_voided}"
            )
            params += [low, high]
            order_by = f" ORDER BY s.seq {order}"
        for kind, value in filters[1:]:
            sql += (
                " AND EXISTS (SELECT 1 FROM statement_index j"
                f" WHERE j.kind = ? AND j.value_id = {value_id} AND j.seq = s.seq)"
            )
            params += [int(kind), self.index_value(value)]
        if query.credential is not None:
            sql += " AND s.credential = ?"
            params.append(query.credential)
        sql += order_by + " LIMIT ?"
        params.append(query.limit + 1)
        return sql, params

    async def attachment(self, sha2: str) -> tuple[str, bytes] | None:
        rows = await self.read("SELECT content_type, data FROM attachments WHERE sha2 = ?", sha2)
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    async def last_stored(self) -> int | None:
        rows = await self.read("SELECT MAX(stored) FROM statements")
        value: int | None = rows[0][0]
        return value

    async def statements_after(self, seq: int, limit: int) -> list[StoredStatement]:
        rows = await self.read(
            f"SELECT {STATEMENT_COLUMNS} FROM statements s WHERE s.seq > ? ORDER BY s.seq LIMIT ?",
            seq,
            limit,
        )
        return [statement_of(row) for row in rows]

    async def list_credentials(self) -> list[Credential]:
        rows = await self.read(
            f"SELECT {CREDENTIAL_COLUMNS} FROM credentials ORDER BY created_at{self.by_bytes}"
        )
        return [credential_of(row) for row in rows]
