"""SQLite SQL for documents and canonical activity definitions (part of the SQLite engine:
``SQLiteStore`` inherits this mixin; writes go through its one writer)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import orjson

from statements.documents import Decide, Document, DocumentScope
from statements.prepare import PreparedStatement
from statements.time import now_micros

T = TypeVar("T")


def _key(scope: DocumentScope) -> tuple[str, str, str, str]:
    return (str(scope.kind), scope.activity_id, scope.agent, scope.registration)


def merge_definition(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The canonical definition after a statement brings ``new`` (Data 2.4.4.1): later
    values win; language maps are merged language by language."""
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description", "extensions") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _activities_with_definitions(body: dict[str, Any]) -> Iterable[dict[str, Any]]:
    def activities(statement: dict[str, Any]) -> Iterable[dict[str, Any]]:
        obj = statement["object"]
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            yield obj
        elif kind == "SubStatement":
            yield from activities(obj)
        context_activities = (statement.get("context") or {}).get("contextActivities") or {}
        for value in context_activities.values():
            yield from value if isinstance(value, list) else [value]

    return (a for a in activities(body) if a.get("definition"))


class SQLiteDocumentsMixin:
    write: Callable[..., Any]
    _read: Callable[..., Any]

    async def get_document(self, scope: DocumentScope, doc_id: str) -> Document | None:
        rows = await self._read(
            "SELECT content_type, content, etag, updated FROM documents"
            " WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ?"
            " AND doc_id = ?",
            (*_key(scope), doc_id),
        )
        if not rows:
            return None
        content_type, content, etag, updated = rows[0]
        return Document(content_type, bytes(content), etag, updated)

    async def list_document_ids(self, scope: DocumentScope, since: int | None) -> list[str]:
        sql = (
            "SELECT doc_id FROM documents"
            " WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ?"
        )
        params: list[Any] = list(_key(scope))
        if since is not None:
            sql += " AND updated > ?"
            params.append(since)
        rows = await self._read(sql + " ORDER BY doc_id", params)
        return [row[0] for row in rows]

    async def write_document(
        self, scope: DocumentScope, doc_id: str, decide: Decide
    ) -> Document | None:
        def apply(conn: sqlite3.Connection) -> Document | None:
            key = (*_key(scope), doc_id)
            row = conn.execute(
                "SELECT content_type, content, etag, updated FROM documents"
                " WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ?"
                " AND doc_id = ?",
                key,
            ).fetchone()
            current = Document(row[0], bytes(row[1]), row[2], row[3]) if row else None
            chosen = decide(current)
            if chosen is None:
                conn.execute(
                    "DELETE FROM documents WHERE kind = ? AND activity_id = ? AND agent = ?"
                    " AND registration = ? AND doc_id = ?",
                    key,
                )
                return None
            updated = max(now_micros(), (current.updated + 1) if current else 0)
            conn.execute(
                "INSERT INTO documents (kind, activity_id, agent, registration, doc_id,"
                " content_type, content, etag, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (kind, activity_id, agent, registration, doc_id) DO UPDATE SET"
                " content_type = excluded.content_type, content = excluded.content,"
                " etag = excluded.etag, updated = excluded.updated",
                (*key, chosen.content_type, chosen.content, chosen.etag, updated),
            )
            return Document(chosen.content_type, chosen.content, chosen.etag, updated)

        result: Document | None = await self.write(apply)
        return result

    async def delete_documents(self, scope: DocumentScope) -> int:
        def apply(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "DELETE FROM documents"
                " WHERE kind = ? AND activity_id = ? AND agent = ? AND registration = ?",
                _key(scope),
            )
            return cursor.rowcount

        deleted: int = await self.write(apply)
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

    @staticmethod
    def _define_activities(conn: sqlite3.Connection, fresh: list[PreparedStatement]) -> None:
        """Merge the definitions that statements from 'define' credentials bring."""
        incoming: dict[str, dict[str, Any]] = {}
        for prepared in fresh:
            if not prepared.define:
                continue
            for activity in _activities_with_definitions(prepared.body):
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
