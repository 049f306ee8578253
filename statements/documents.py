"""Document resources (Communication 2.2–2.7): State, Activity Profile, Agent Profile.

The rules live here, the bytes in the store. A write is a decision taken inside the
store's transaction on the document as it is then (``decide``), so If-Match and
If-None-Match are checked atomically with the write, also across instances.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from statements.errors import BadRequest, Conflict, NotFound, PreconditionFailed
from statements.models import VERSION_2


class DocumentKind(StrEnum):
    STATE = "state"
    ACTIVITY_PROFILE = "activity_profile"
    AGENT_PROFILE = "agent_profile"


@dataclass(frozen=True, slots=True)
class DocumentScope:
    """The documents of one owner: state of (activity, agent, registration), profiles of
    an activity or of an agent. Unused parts are empty strings; for listing and deleting
    state, an empty registration means every registration.

    Every client (credential) keeps documents of its own (Communication 4.2: the ``state``
    and ``profile`` scopes are "limited to Activities and Actors associated with the
    current token"): ``client`` is the credential whose documents these are, and the one
    that owns what it writes. With ``all_clients`` (scopes ``all``, and ``all/read`` for
    reading) the scope covers every client's documents: a single document is the
    client's own if it has one, otherwise the most recently written one of another
    client, which a write then changes in place; listing and deleting cover them all.
    Documents stored before clients had documents of their own (and those of internal
    callers) belong to the client ``""``."""

    kind: DocumentKind
    activity_id: str = ""
    agent: str = ""
    registration: str = ""
    client: str = ""
    all_clients: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    content_type: str
    content: bytes
    etag: str
    updated: int
    """When it was last written, microseconds since the epoch."""


@dataclass(frozen=True, slots=True)
class DocumentIds:
    ids: list[str]
    last_modified: int | None
    """When the most recently written of them was written (µs), None when there is none."""


@dataclass(frozen=True, slots=True)
class Preconditions:
    if_match: str | None = None
    if_none_match: str | None = None


DocumentRow = tuple[str, bytes, str, int, str]
"""A stored document as both engines read it: content type, content, ETag, updated (µs),
the client (credential) it belongs to."""


def the_document(rows: list[DocumentRow], scope: DocumentScope) -> DocumentRow | None:
    """Which of the stored documents under one id (one per client) a single-document
    request means: the client's own; across clients (``all_clients``), else the most
    recently written one."""
    own = [row for row in rows if row[4] == scope.client]
    if own or not scope.all_clients:
        return own[0] if own else None
    return max(rows, key=lambda row: (row[3], row[4]), default=None)


Decide = Callable[[Document | None], Document | None]
"""Given the current document (or None), return what to store (None: delete) or raise."""


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def check_preconditions(current: Document | None, preconditions: Preconditions) -> None:
    """If-Match / If-None-Match as RFC 2616 (Communication 3.1): 412 when they fail."""
    if preconditions.if_match is not None:
        tags = _tags(preconditions.if_match)
        if current is None or ("*" not in tags and current.etag not in tags):
            raise PreconditionFailed(
                "If-Match does not match the current document",
                [{"path": "If-Match", "rule": "precondition", "message": "no match"}],
            )
    if preconditions.if_none_match is not None and current is not None:
        tags = _tags(preconditions.if_none_match)
        if "*" in tags or current.etag in tags:
            raise PreconditionFailed(
                "If-None-Match matches the current document",
                [{"path": "If-None-Match", "rule": "precondition", "message": "document exists"}],
            )


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise BadRequest(
            f"{what} is not a JSON object, so the documents cannot be merged",
            [{"path": "$", "rule": "merge", "message": f"{what} must be a JSON object"}],
        )
    return value


class DocumentService:
    def __init__(self, store: Any) -> None:
        # ``store`` implements the document methods of statements.storage.base.Store.
        self.store = store

    async def get(self, scope: DocumentScope, doc_id: str) -> Document:
        found: Document | None = await self.store.get_document(scope, doc_id)
        if found is None:
            raise NotFound(
                "no such document", [{"path": "id", "rule": "not_found", "message": doc_id}]
            )
        return found

    async def ids(self, scope: DocumentScope, since: int | None) -> DocumentIds:
        """The scope's document ids (written after ``since``, µs, when given)."""
        found: list[tuple[str, int]] = await self.store.list_document_ids(scope, since)
        return DocumentIds(
            [doc_id for doc_id, _ in found], max((updated for _, updated in found), default=None)
        )

    async def put(
        self,
        scope: DocumentScope,
        doc_id: str,
        content: bytes,
        content_type: str,
        preconditions: Preconditions,
        version: str,
    ) -> Document:
        """Store a document whole (Communication 3.1). Without If-Match/If-None-Match,
        overwriting an existing document is a 409 for profiles (1.0.3) and for every
        document (2.0.0); under 1.0.3 a profile PUT must carry one of them even for a new
        document (a client MUST, and the conformance suite expects 400)."""
        is_profile = scope.kind != DocumentKind.STATE
        needs_precondition = version == VERSION_2 or is_profile
        unconditional = preconditions.if_match is None and preconditions.if_none_match is None

        def decide(current: Document | None) -> Document:
            check_preconditions(current, preconditions)
            if current is None and unconditional and is_profile and version != VERSION_2:
                raise BadRequest(
                    "a PUT to a profile needs If-Match or If-None-Match (xAPI 1.0.3, 3.1)",
                    [
                        {
                            "path": "If-Match",
                            "rule": "precondition_required",
                            "message": "send If-None-Match: * to create a profile document",
                        }
                    ],
                )
            if current is not None and needs_precondition and unconditional:
                raise Conflict(
                    "the document exists: send If-Match with its ETag (or If-None-Match: *)"
                    " to overwrite it",
                    [
                        {
                            "path": "If-Match",
                            "rule": "precondition_required",
                            "message": "required to overwrite an existing document",
                        }
                    ],
                )
            return Document(content_type, content, etag_of(content), 0)

        stored: Document = await self.store.write_document(scope, doc_id, decide)
        return stored

    async def post(
        self,
        scope: DocumentScope,
        doc_id: str,
        content: bytes,
        content_type: str,
        preconditions: Preconditions,
    ) -> Document:
        """Merge JSON objects one level deep (Communication 2.2), or store a new document."""

        def decide(current: Document | None) -> Document:
            check_preconditions(current, preconditions)
            if _is_json(content_type):
                _json_object(content, "the posted document")
            if current is None:
                return Document(content_type, content, etag_of(content), 0)
            if not (_is_json(current.content_type) and _is_json(content_type)):
                raise BadRequest(
                    "only application/json documents can be merged by POST",
                    [
                        {
                            "path": "Content-Type",
                            "rule": "merge",
                            "message": "both documents must be application/json",
                        }
                    ],
                )
            merged = _json_object(current.content, "the stored document")
            merged.update(_json_object(content, "the posted document"))
            try:
                data = orjson.dumps(merged)
            except orjson.JSONEncodeError:  # nested deeper than orjson writes (254 levels)
                message = "the merged document is nested too deeply to store"
                raise BadRequest(
                    message, [{"path": "$", "rule": "max_depth", "message": message}]
                ) from None
            return Document("application/json", data, etag_of(data), 0)

        stored: Document = await self.store.write_document(scope, doc_id, decide)
        return stored

    async def delete(
        self, scope: DocumentScope, doc_id: str | None, preconditions: Preconditions
    ) -> None:
        """Delete one document, or (state only) every document of the scope."""
        if doc_id is None:
            await self.store.delete_documents(scope)
            return

        def decide(current: Document | None) -> None:
            if preconditions.if_match is not None or preconditions.if_none_match is not None:
                check_preconditions(current, preconditions)
            return None

        await self.store.write_document(scope, doc_id, decide)
