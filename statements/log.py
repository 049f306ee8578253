"""The statement log: the xAPI Statement resource's rules on top of a ``Store``.

HTTP handlers call this; it validates, completes and stores statements, and reads them
back in the requested format. It knows nothing of HTTP.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from statements.errors import BadRequest, NotFound
from statements.formats import activity_ids, render
from statements.models import SIGNATURE_USAGE, VERSION_2
from statements.prepare import PreparedStatement, prepare
from statements.query import StatementQuery, decode_cursor, encode_cursor
from statements.storage.base import QueryPage, Store, StoredStatement
from statements.validation import validate_statements
from statements.validation_pool import ValidationPool


@dataclass(frozen=True, slots=True)
class Writer:
    """Who is storing statements: the authority the LRS records and the credential key."""

    authority: dict[str, Any] | None
    credential: str | None
    source: str | None = None
    define: bool = False
    """May its statements update the LRS's canonical activity definitions?"""
    void_any: bool = False
    """May its voiding statements void statements others stored? Without it a writer voids
    only statements stored with its own credential and source (``Store.append``)."""


@dataclass(frozen=True, slots=True)
class AttachmentPart:
    sha2: str
    content_type: str
    data: bytes


SignatureCheck = Callable[[dict[str, Any], AttachmentPart], None]


def stored_version(request_version: str) -> str:
    """The ``version`` the LRS writes into a statement that has none."""
    return "2.0.0" if request_version == VERSION_2 else "1.0.0"


def _bad(path: str, rule: str, message: str) -> BadRequest:
    return BadRequest(message, [{"path": path, "rule": rule, "message": message}])


def _match_attachments(
    bodies: Sequence[dict[str, Any]],
    parts: Sequence[AttachmentPart],
    check_signature: SignatureCheck | None,
) -> list[list[tuple[str, str, bytes]]]:
    """Pair every attachment that has no fileUrl with a part by sha2 (Data 2.4.11), hex
    digits in either case.

    A missing part or a part no statement declares is a 400; signed statements have their
    signature checked, so a signature needs its part even when it has a fileUrl.
    """
    by_hash = {part.sha2.lower(): part for part in parts}
    used: set[str] = set()
    matched: list[list[tuple[str, str, bytes]]] = []
    for index, body in enumerate(bodies):
        own: list[tuple[str, str, bytes]] = []
        for position, attachment in enumerate(body.get("attachments") or ()):
            path = (
                f"[{index}].attachments[{position}]"
                if len(bodies) > 1
                else (f"attachments[{position}]")
            )
            part = by_hash.get(attachment["sha2"].lower())
            if part is None:
                if attachment["usageType"] == SIGNATURE_USAGE:
                    raise _bad(path, "signature", "a signature must be sent as a part (Data 2.6)")
                if "fileUrl" in attachment:
                    continue
                raise _bad(path, "attachment_missing", "no part with this sha2 was sent")
            used.add(part.sha2.lower())
            own.append((part.sha2, part.content_type, part.data))
            if attachment["usageType"] == SIGNATURE_USAGE:
                if check_signature is None:
                    raise _bad(path, "signature", "signed statements are not supported")
                check_signature(body, part)
        matched.append(own)
    extra = sorted(set(by_hash) - used)
    if extra:
        raise _bad("attachments", "attachment_extra", f"part {extra[0]} matches no attachment")
    return matched


class StatementLog:
    def __init__(
        self,
        store: Store,
        *,
        max_limit: int = 500,
        check_signature: SignatureCheck | None = None,
        cursor_key: bytes | None = None,
    ) -> None:
        self.store = store
        self.max_limit = max_limit
        self.cursor_key = cursor_key or secrets.token_bytes(32)
        """Signs the ``more`` links (``statements.query.encode_cursor``): the same on every
        instance that shares a database, random for this process when none is given."""
        self.check_signature = check_signature
        self.on_stored: list[Callable[[list[PreparedStatement]], Any]] = []
        self.validator: ValidationPool | None = None
        """Validates batches in helper processes when set (the HTTP service sets it)."""

    async def store_statements(
        self,
        items: list[Any],
        *,
        version: str,
        writer: Writer,
        parts: Sequence[AttachmentPart] = (),
        statement_id: str | None = None,
        origin_stored: Sequence[int | None] | None = None,
        batch: bool = True,
    ) -> list[str]:
        """Validate and store statements, all or none; return their ids in order.

        With ``statement_id`` (PUT) exactly one statement is expected and its id, if any,
        must be that id.
        """
        if statement_id is not None:
            if len(items) != 1 or not isinstance(items[0], dict):
                raise _bad("$", "type", "PUT takes exactly one statement object")
            body_id = items[0].get("id")
            if body_id is not None and str(body_id).lower() != statement_id.lower():
                raise _bad("id", "statement_id", "the statement's id differs from statementId")
            if body_id is None:
                items = [{**items[0], "id": statement_id}]
        if not items:
            raise _bad("$", "empty", "no statements were sent")
        keys: list[set[tuple[int, str]]] | None = None
        if self.validator is not None:
            keys = await self.validator.validate(
                items, version, batch=batch and statement_id is None, authority=writer.authority
            )
        else:
            validate_statements(items, version, batch=batch and statement_id is None)
        bodies: list[dict[str, Any]] = items
        matched = _match_attachments(bodies, parts, self.check_signature)
        prepared_batch: list[PreparedStatement] = []
        seen: set[str] = set()
        for index, body in enumerate(bodies):
            prepared = prepare(
                body,
                authority=writer.authority,
                version=stored_version(version),
                credential=writer.credential,
                source=writer.source,
                origin_stored=origin_stored[index] if origin_stored else None,
                index=keys[index] if keys else None,
            )
            if prepared.id in seen:
                raise _bad(f"[{index}].id", "duplicate_id", "the batch has this id twice")
            seen.add(prepared.id)
            prepared.attachments = matched[index]
            prepared.define = writer.define
            prepared.void_any = writer.void_any
            prepared_batch.append(prepared)
        result = await self.store.append(prepared_batch)
        for listener in self.on_stored:
            listener(prepared_batch)
        return result.ids

    async def get(
        self, statement_id: str, *, voided: bool, credential: str | None = None
    ) -> StoredStatement:
        """One statement by id (``voided=False``) or a voided one (``voidedStatementId``).

        A statement asked for by the wrong parameter is "not found", as the spec says.
        """
        found = await self.store.get_statement(statement_id)
        if (
            found is None
            or found.voided != voided
            or (credential is not None and found.credential != credential)
        ):
            raise NotFound(
                f"no statement {statement_id}",
                [
                    {
                        "path": "voidedStatementId" if voided else "statementId",
                        "rule": "not_found",
                        "message": "no such statement",
                    }
                ],
            )
        return found

    async def query(self, query: StatementQuery) -> QueryPage:
        return await self.store.query(query)

    def more_token(self, query: StatementQuery) -> str:
        """The signed token of a ``more`` link that continues with ``query``."""
        return encode_cursor(query, self.cursor_key)

    def from_more_token(self, token: str) -> StatementQuery:
        """The query a ``more`` token continues (400 when it is not one this LRS signed)."""
        return decode_cursor(token, self.cursor_key, max_limit=self.max_limit)

    async def render(
        self, statements: list[StoredStatement], fmt: str, languages: list[str]
    ) -> list[bytes]:
        """Statements in the requested format; ``canonical`` uses the LRS's canonical
        activity definitions, fetched once for the whole page."""
        definitions: dict[str, dict[str, Any]] = {}
        if fmt == "canonical":
            ids: set[str] = set()
            for statement in statements:
                ids.update(activity_ids(orjson.loads(statement.body)))
            definitions = await self.store.activity_definitions(sorted(ids))
        return [
            render(s.body, fmt, preferred_languages=languages, definitions=definitions.get)
            for s in statements
        ]

    async def render_result(
        self, page: QueryPage, fmt: str, languages: list[str], more: str
    ) -> bytes:
        """A StatementResult object; statements are spliced in as stored, not re-encoded."""
        parts = b",".join(await self.render(page.statements, fmt, languages))
        return b'{"statements":[' + parts + b'],"more":' + orjson.dumps(more) + b"}"
