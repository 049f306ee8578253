"""SQLite SQL for documents and canonical activity definitions (part of the SQLite engine:
``SQLiteStore`` inherits this mixin; writes go through its one writer)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import orjson

from statements.documents import (
    Decide,
    Document,
    DocumentKind,
    DocumentRow,
    DocumentScope,
    the_document,
)
from statements.prepare import PreparedStatement
from statements.storage.common import (
    activities_with_definitions,
    merge_definition,
    named_agents,
)
from statements.time import now_micros

T = TypeVar("T")


def _key(scope: DocumentScope) -> tuple[str, str, str, str]:
    return (str(scope.kind), scope.activity_id, scope.agent, scope.registration)


def _scope_filter(scope: DocumentScope) -> tuple[str, list[Any]]:
    """WHERE clause of a multiple-document GET or DELETE. State without a registration
    covers every registration (Communication 2.3: "Activity + Agent [+ registration if
    specified]"), as the ADL reference LRS does. Only the client's own documents, unless
    the scope covers every client's."""
    if scope.kind == DocumentKind.STATE and not scope.registration:
        where = "kind = ? AND activity_id = ? AND agent = ?"
        params: list[Any] = [str(scope.kind), scope.activity_id, scope.agent]
    else:
        where = "kind = ? AND activity_id = ? AND agent = ? AND registration = ?"
        params = list(_key(scope))
    if not scope.all_clients:
        where += " AND credential = ?"
        params.append(scope.client)
    return where, params


def _one_document(scope: DocumentScope, doc_id: str) -> tuple[str, list[Any]]:
    """SELECT of the stored documents a single-document request chooses among
    (``the_document``): the client's own, or every client's under this id."""
    sql = (
        "SELECT content_type, content, etag, updated, credential FROM documents"
        " WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ? AND doc_id = ?"
    )
    params: list[Any] = [*_key(scope), doc_id]
    if not scope.all_clients:
        sql += " AND credential = ?"
        params.append(scope.client)
    return sql, params


def _row(found: Any) -> DocumentRow:
    content_type, content, etag, updated, credential = found
    return (content_type, bytes(content), etag, updated, credential)


class SQLiteDocumentsMixin:
    write_sync: Callable[..., Any]
    _read: Callable[..., Any]

    async def get_document(self, scope: DocumentScope, doc_id: str) -> Document | None:
        row = the_document(
            [_row(r) for r in await self._read(*_one_document(scope, doc_id))], scope
        )
        return Document(*row[:4]) if row else None

    async def list_document_ids(
        self, scope: DocumentScope, since: int | None
    ) -> list[tuple[str, int]]:
        where, params = _scope_filter(scope)
        if since is not None:
            where += " AND updated > ?"
            params.append(since)
        rows = await self._read("SELECT doc_id, updated FROM documents WHERE " + where, params)
        newest: dict[str, int] = {}
        for doc_id, updated in rows:
            newest[doc_id] = max(updated, newest.get(doc_id, updated))
        return sorted(newest.items())

    async def write_document(
        self, scope: DocumentScope, doc_id: str, decide: Decide
    ) -> Document | None:
        def apply(conn: sqlite3.Connection) -> Document | None:
            rows = conn.execute(*_one_document(scope, doc_id)).fetchall()
            row = the_document([_row(r) for r in rows], scope)
            current = Document(*row[:4]) if row else None
            # A document keeps the client it belongs to, whoever changes it.
            key = (*_key(scope), doc_id, row[4] if row else scope.client)
            chosen = decide(current)
            if chosen is None:
                conn.execute(
                    "DELETE FROM documents WHERE kind = ? AND activity_id = ? AND agent = ?"
                    " AND registration = ? AND doc_id = ? AND credential = ?",
                    key,
                )
                return None
            updated = max(now_micros(), (current.updated + 1) if current else 0)
            conn.execute(
                "INSERT INTO documents (kind, activity_id, agent, registration, doc_id,"
                " credential, content_type, content, etag, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (kind, activity_id, agent, registration, doc_id, credential)"
                " DO UPDATE SET content_type = excluded.content_type,"
                " content = excluded.content, etag = excluded.etag, updated = excluded.updated",
                (*key, chosen.content_type, chosen.content, chosen.etag, updated),
            )
            return Document(chosen.content_type, chosen.content, chosen.etag, updated)

        result: Document | None = await self.write_sync(apply)
        return result

    async def delete_documents(self, scope: DocumentScope) -> int:
        where, params = _scope_filter(scope)

        def apply(conn: sqlite3.Connection) -> int:
            cursor = conn.execute("DELETE FROM documents WHERE " + where, params)
            return cursor.rowcount

        deleted: int = await self.write_sync(apply)
        return deleted

    async def activity_definitions(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await self._read(
                f"SELECT id, definition FROM activities WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row[0], orjson.loads(row[1])) for row in rows)
        return found

    async def agent_names(self, key: str) -> list[str]:
        rows = await self._read(
            "SELECT name FROM agent_names WHERE agent = ? ORDER BY name", (key,)
        )
        return [row[0] for row in rows]

    @classmethod
    def _learn_definitions(cls, conn: sqlite3.Connection, fresh: list[PreparedStatement]) -> None:
        """Update the canonical Activities and Agents (names) from statements of credentials
        with the define scope, in the transaction that stores them (Communication 4.2)."""
        defining = [prepared for prepared in fresh if prepared.define]
        if not defining:
            return
        cls._define_activities(conn, defining)
        names = {pair for prepared in defining for pair in named_agents(prepared.body)}
        if names:
            conn.executemany(
                "INSERT OR IGNORE INTO agent_names (agent, name) VALUES (?, ?)", sorted(names)
            )

    @staticmethod
    def _define_activities(conn: sqlite3.Connection, fresh: list[PreparedStatement]) -> None:
        """Merge the definitions that statements from 'define' credentials bring."""
        incoming: dict[str, dict[str, Any]] = {}
        for prepared in fresh:
            if not prepared.define:
                continue
            for activity in activities_with_definitions(prepared.body):
                incoming[activity["id"]] = merge_definition(
                    incoming.get(activity["id"], {}), activity["definition"]
                )
        if not incoming:
            return
        ids = list(incoming)
        existing: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for activity_id, definition in conn.execute(
                f"SELECT id, definition FROM activities WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                existing[activity_id] = orjson.loads(definition)
        now = now_micros()
        rows = []
        for activity_id, definition in incoming.items():
            merged = merge_definition(existing.get(activity_id, {}), definition)
            if merged != existing.get(activity_id):
                rows.append((activity_id, orjson.dumps(merged), now))
        conn.executemany(
            "INSERT INTO activities (id, definition, updated) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition,"
            " updated = excluded.updated",
            rows,
        )
