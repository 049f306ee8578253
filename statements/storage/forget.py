"""What the statement store holds about some agents, and forgetting it (GDPR art. 15/17).

An agent is named by its keys (``statements.identity``: ``mbox:…``, ``mbox_sha1sum:…``,
``account:…``). Its footprint in the store: the statements that name it anywhere (as actor,
object, instructor, team or context agent: the ``agent`` and ``related agent`` index rows;
StatementRefs that inherit those rows included), their index rows and attachments, state
and agent-profile documents kept under its keys, the names learned for its keys, and the
interned index values that spell its keys.

Written once for both engines over the port: every function takes either ``store.read``
(a dry run, an extract) or a ``Tx``'s ``fetch`` (the erasure itself, so that what is
counted is what is removed, in one transaction).

Forgetting statements either deletes them or pseudonymises them: a pseudonymised statement
keeps its id, times, verb, object and result, but every agent object that named the person
is replaced by one random account (the same within one erasure, so their statements still
belong together, and never derivable from the identity).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from statements.identity import agent_key
from statements.prepare import IndexKind, index_keys
from statements.storage.port import Dialect, Row, Tx, in_list

Fetch = Callable[..., Awaitable[list[Row]]]
"""``store.read`` or ``tx.fetch``: rows of one query with ``?`` placeholders."""

Mode = Literal["delete", "pseudonymise"]

PSEUDONYM_HOME_PAGE = "urn:lrs-bridge:erased"
"""The homePage of the account that replaces an erased person in pseudonymised statements."""

_AGENT_KINDS = (int(IndexKind.AGENT), int(IndexKind.AGENT_RELATED))
_ACTIVITY_KINDS = (int(IndexKind.ACTIVITY), int(IndexKind.ACTIVITY_RELATED))
_CHUNK = 5000
"""Values per ``IN`` list (SQLite's variable limit is far above; PostgreSQL takes arrays)."""

STATEMENT_COLUMNS = "seq, id, stored, voided, attachments, credential, source, verb, ref, body"


@dataclass(slots=True)
class Footprint:
    """What the store holds about some agent keys (ids and counts, no content)."""

    keys: tuple[str, ...]
    value_ids: list[int] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    documents: int = 0
    agent_names: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "statements": len(self.seqs),
            "documents": self.documents,
            "agent_names": self.agent_names,
        }

    @property
    def empty(self) -> bool:
        return not (self.value_ids or self.seqs or self.documents or self.agent_names)


def chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def _count(
    fetch: Fetch, dialect: Dialect, table: str, column: str, keys: Sequence[str]
) -> int:
    total = 0
    for chunk in chunks(keys):
        condition, params = in_list(dialect, column, chunk)
        rows = await fetch(f"SELECT COUNT(*) FROM {table} WHERE {condition}", *params)
        total += int(rows[0][0])
    return total


async def footprint(fetch: Fetch, dialect: Dialect, keys: Iterable[str]) -> Footprint:
    """The statements, documents and names the store holds under ``keys``."""
    found = Footprint(tuple(sorted(set(keys))))
    if not found.keys:
        return found
    value_ids: list[int] = []
    for chunk in chunks(found.keys):
        condition, params = in_list(dialect, "value", chunk)
        rows = await fetch(f"SELECT id FROM index_values WHERE {condition}", *params)
        value_ids.extend(int(row[0]) for row in rows)
    found.value_ids = sorted(value_ids)
    seqs: set[int] = set()
    for chunk in chunks(found.value_ids):
        condition, params = in_list(dialect, "value_id", chunk)
        kinds, kind_params = in_list(dialect, "kind", _AGENT_KINDS)
        rows = await fetch(
            f"SELECT DISTINCT seq FROM statement_index WHERE {kinds} AND {condition}",
            *kind_params,
            *params,
        )
        seqs.update(int(row[0]) for row in rows)
    found.seqs = sorted(seqs)
    found.documents = await _count(fetch, dialect, "documents", "agent", found.keys)
    found.agent_names = await _count(fetch, dialect, "agent_names", "agent", found.keys)
    return found


async def statement_rows(fetch: Fetch, dialect: Dialect, seqs: Sequence[int]) -> list[Row]:
    """The rows (``STATEMENT_COLUMNS``) of these statements, in log order."""
    rows: list[Row] = []
    for chunk in chunks(sorted(seqs)):
        condition, params = in_list(dialect, "seq", chunk)
        rows.extend(
            await fetch(
                f"SELECT {STATEMENT_COLUMNS} FROM statements WHERE {condition} ORDER BY seq",
                *params,
            )
        )
    return rows


async def extract(
    fetch: Fetch, dialect: Dialect, found: Footprint
) -> dict[str, list[dict[str, Any]]]:
    """Everything behind a footprint, as JSON-ready records per kind."""
    statements = []
    hashes: set[str] = set()
    for row in await statement_rows(fetch, dialect, found.seqs):
        _seq, sid, stored, voided, attachments, _cred, _source, _verb, _ref, body = row
        statements.append(
            {
                "id": sid,
                "stored": stored,
                "voided": bool(voided),
                "statement": orjson.loads(bytes(body)),
            }
        )
        hashes.update(attachments.split(",") if attachments else ())
    attachment_records = []
    for chunk in chunks(sorted(hashes)):
        condition, params = in_list(dialect, "sha2", chunk)
        for sha2, content_type, data in await fetch(
            f"SELECT sha2, content_type, data FROM attachments WHERE {condition} ORDER BY sha2",
            *params,
        ):
            attachment_records.append(
                {"sha2": sha2, "content_type": content_type, "bytes": len(bytes(data))}
            )
    documents = []
    names = []
    if found.keys:
        condition, params = in_list(dialect, "agent", found.keys)
        for (
            kind,
            activity,
            agent,
            registration,
            doc_id,
            content_type,
            content,
            updated,
        ) in await fetch(
            "SELECT kind, activity_id, agent, registration, doc_id, content_type, content,"
            f" updated FROM documents WHERE {condition} ORDER BY kind, activity_id, doc_id",
            *params,
        ):
            raw = bytes(content)
            try:
                shown: Any = raw.decode("utf-8")
            except UnicodeDecodeError:
                shown = f"({len(raw)} bytes of {content_type})"
            documents.append(
                {
                    "kind": kind,
                    "activity_id": activity or None,
                    "agent": agent,
                    "registration": registration or None,
                    "id": doc_id,
                    "content_type": content_type,
                    "content": shown,
                    "updated": updated,
                }
            )
        for agent, name in await fetch(
            f"SELECT agent, name FROM agent_names WHERE {condition} ORDER BY agent, name", *params
        ):
            names.append({"agent": agent, "name": name})
    return {
        "statements": statements,
        "attachments": attachment_records,
        "documents": documents,
        "agent_names": names,
    }


def pseudonym() -> dict[str, Any]:
    """A fresh random agent to stand for an erased person."""
    return {
        "objectType": "Agent",
        "account": {"homePage": PSEUDONYM_HOME_PAGE, "name": str(uuid.uuid4())},
    }


def pseudonymised(value: Any, keys: frozenset[str], stand_in: dict[str, Any]) -> Any:
    """``value`` (a statement or part of one) with every agent object of ``keys`` replaced by
    ``stand_in`` (members of groups included)."""
    if isinstance(value, dict):
        if agent_key(value) in keys and value.get("objectType", "Agent") == "Agent":
            return dict(stand_in)
        return {name: pseudonymised(item, keys, stand_in) for name, item in value.items()}
    if isinstance(value, list):
        return [pseudonymised(item, keys, stand_in) for item in value]
    return value


@dataclass(slots=True)
class Forgotten:
    statements: int = 0
    pseudonymised: int = 0
    attachments: int = 0
    documents: int = 0
    agent_names: int = 0
    activity_definitions: int = 0
    index_values: int = 0
    deleted: list[int] = field(default_factory=list)
    """The seqs of the statements deleted."""


async def forget(tx: Tx, found: Footprint, mode: Mode) -> Forgotten:
    """Forget the statements of a footprint, and delete its documents, learned names and
    interned identity values, in ``tx``. With ``delete``, the statements the person made
    (they are the actor) are deleted; statements of others that only name them (as
    instructor, team member, object, in a group) are pseudonymised, so that nobody else's
    record changes. With ``pseudonymise`` every one of them is pseudonymised. The caller
    holds the append lock (``tx.lock_appends``) and found the footprint in ``tx``."""
    done = Forgotten()
    keys = frozenset(found.keys)
    own: list[int] = []
    stand_in = pseudonym()
    for row in await statement_rows(tx.fetch, tx.dialect, found.seqs):
        seq, body = row[0], bytes(row[-1])
        statement = orjson.loads(body)
        if mode == "delete" and agent_key(statement.get("actor") or {}) in keys:
            own.append(seq)
            continue
        new = orjson.dumps(pseudonymised(statement, keys, stand_in))
        if new != body:
            await tx.execute("UPDATE statements SET body = ? WHERE seq = ?", new, seq)
            done.pseudonymised += 1
    await delete_statements(tx, own, done)
    done.deleted = own
    for chunk in chunks(found.keys):
        condition, params = in_list(tx.dialect, "agent", chunk)
        done.documents += await tx.execute(f"DELETE FROM documents WHERE {condition}", *params)
        done.agent_names += await tx.execute(f"DELETE FROM agent_names WHERE {condition}", *params)
    kinds, kind_params = in_list(tx.dialect, "kind", _AGENT_KINDS)
    for chunk in chunks(found.value_ids):
        condition, params = in_list(tx.dialect, "value_id", chunk)
        await tx.execute(
            f"DELETE FROM statement_index WHERE {kinds} AND {condition}", *kind_params, *params
        )
        condition, params = in_list(tx.dialect, "id", chunk)
        done.index_values += await tx.execute(
            f"DELETE FROM index_values WHERE {condition}", *params
        )
    return done


async def index_rows(
    fetch: Fetch, dialect: Dialect, rows: Sequence[Row]
) -> list[tuple[int, int, int]]:
    """The (kind, value id, seq) index rows of these statements (``STATEMENT_COLUMNS``),
    derived from their bodies and, for StatementRefs, from the chain of statements they
    refer to (the rows they inherited), as the stores wrote them."""
    wanted: list[tuple[int, str, int]] = []
    for row in rows:
        seq, ref, body = row[0], row[-2], bytes(row[-1])
        keys = index_keys(orjson.loads(body))
        seen: set[str] = set()
        while ref and ref not in seen:
            seen.add(ref)
            found = await fetch("SELECT body, ref FROM statements WHERE id = ?", ref)
            if not found:
                break
            keys |= index_keys(orjson.loads(bytes(found[0][0])))
            ref = found[0][1]
        wanted.extend((int(kind), value, seq) for kind, value in keys)
    ids: dict[str, int] = {}
    for chunk in chunks(sorted({value for _, value, _ in wanted})):
        condition, params = in_list(dialect, "value", chunk)
        for value_id, value in await fetch(
            f"SELECT id, value FROM index_values WHERE {condition}", *params
        ):
            ids[value] = int(value_id)
    return [(kind, ids[value], seq) for kind, value, seq in wanted if value in ids]


async def delete_statements(tx: Tx, seqs: Sequence[int], done: Forgotten) -> None:
    """Delete statements with their index rows, and the attachments and activity
    definitions that no remaining statement refers to."""
    if not seqs:
        return
    rows = await statement_rows(tx.fetch, tx.dialect, seqs)
    hashes = {sha2 for row in rows if row[4] for sha2 in row[4].split(",")}
    index = await index_rows(tx.fetch, tx.dialect, rows)
    activities = {value_id for kind, value_id, _ in index if kind in _ACTIVITY_KINDS}
    for chunk in chunks(index):
        await tx.executemany(
            "DELETE FROM statement_index WHERE kind = ? AND value_id = ? AND seq = ?", chunk
        )
    for chunk in chunks(sorted(seqs)):
        condition, params = in_list(tx.dialect, "seq", chunk)
        done.statements += await tx.execute(f"DELETE FROM statements WHERE {condition}", *params)
    for sha2 in sorted(hashes):
        still = await tx.fetchval(
            "SELECT 1 FROM statements WHERE attachments LIKE ? LIMIT 1", f"%{sha2}%"
        )
        if still is None:
            done.attachments += await tx.execute("DELETE FROM attachments WHERE sha2 = ?", sha2)
    kinds, kind_params = in_list(tx.dialect, "kind", _ACTIVITY_KINDS)
    for value_id in sorted(activities):
        still = await tx.fetchval(
            f"SELECT 1 FROM statement_index WHERE {kinds} AND value_id = ? LIMIT 1",
            *kind_params,
            value_id,
        )
        if still is None:
            done.activity_definitions += await tx.execute(
                "DELETE FROM activities WHERE id = (SELECT value FROM index_values WHERE id = ?)",
                value_id,
            )
