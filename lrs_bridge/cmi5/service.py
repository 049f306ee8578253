"""The LMS side of cmi5 (spec sections 8–10): imported courses, registrations, AU launches
with their one-time fetch URL, the ``LMS.LaunchData`` state document, the statements the
LMS writes (launched, abandoned, waived, satisfied) and moveOn.

Statements the LMS writes go through the statement log with no credential: they are the
service's own, and the readiness ledger trusts them (decision 0005). A cmi5 course counts
for readiness only by the LMS's ``satisfied`` statement on the course
(``reports.courses.CourseIndex``), and the LMS writes it only from statements that the AU
of a session sent with that session's own credential (or from an administrator's waiver):
neither a course key nor a learner's own credential can make a learner ready by posting
``completed`` or ``satisfied`` themselves.

Everything the LMS keeps is in the tables of migration 0620, over the database port.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from lrs_bridge.cmi5 import structure as cs
from lrs_bridge.cmi5.moveon import AuStatus, au_satisfied, satisfied
from lrs_bridge.cmi5.structure import Au, Package, Structure
from reports.courses import slug
from reports.fields import bad, require_object
from reports.links import LinkStorage, launch_account, launch_actor
from reports.model import Participant
from reports.service import ReportsService
from statements.documents import DocumentKind, DocumentScope, DocumentService, Preconditions
from statements.errors import Forbidden, NotFound
from statements.identity import agent_key
from statements.log import StatementLog, Writer
from statements.prepare import PreparedStatement
from statements.storage.port import Database, Duplicate, Tx, in_list

log = logging.getLogger(__name__)

LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
AU_VERBS = frozenset({INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED})

CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_ID = EXT + "sessionid"
REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
TYPE_COURSE = "https://w3id.org/xapi/cmi5/activitytype/course"
TYPE_BLOCK = "https://w3id.org/xapi/cmi5/activitytype/block"
LAUNCH_DATA = "LMS.LaunchData"
WAIVE_REASONS = ("Tested Out", "Equivalent AU", "Equivalent Outside Activity", "Administrative")

FETCH_ALREADY_USED = {
    "error-code": "1",
    "error-text": "The authorization token has already been returned.",
}
FETCH_UNKNOWN = {"error-code": "2", "error-text": "The fetch URL is not valid."}
FETCH_REFUSED = {
    "error-code": "2",
    "error-text": "The personal link of this launch was revoked or has expired.",
}
FETCH_FAILED = {"error-code": "3", "error-text": "The authorization token could not be issued."}

TERMINATED_GRACE_US = 10 * 60 * 1_000_000
"""How long after ``terminated`` the session's statements are still taken (spec 9.3.8)."""
STALE_AFTER_US = 4 * 3600 * 1_000_000
"""A session with no statement for this long is abandoned by the sweep."""

WRITER = Writer(
    authority={
        "objectType": "Agent",
        "name": "lrs-bridge cmi5 LMS",
        "account": {"homePage": "urn:lrs-bridge", "name": "cmi5-lms"},
    },
    credential=None,
)


@dataclass(frozen=True, slots=True)
class Issued:
    """The credential a fetch URL hands out: key, secret, and whose documents it reaches."""

    key: str
    secret: str
    document_owner: str


IssueCredential = Callable[[dict[str, Any], str, str, str | None], Awaitable[Issued | None]]
"""(actor, registration, session id, personal link token or None) → the credential for the
session, limited to its learner and registration; None when the link no longer works
(revoked or expired)."""


def _now_us() -> int:
    return time.time_ns() // 1000


def _timestamp(moment_us: int) -> str:
    seconds, micros = divmod(moment_us, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{micros // 1000:03d}Z"


def _duration(span_us: int) -> str:
    return f"PT{max(span_us, 0) / 1_000_000:.2f}S"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Cmi5Course:
    course_id: str
    structure: Structure
    packaged: bool

    def au(self, index: int) -> Au:
        if not 0 <= index < len(self.structure.aus):
            raise bad("au", "not_found", f"the course has no AU number {index}")
        return self.structure.aus[index]


@dataclass(frozen=True, slots=True)
class Launch:
    url: str
    """The AU's URL with the launch parameters (spec 8.1)."""
    registration: str
    session_id: str
    activity_id: str
    launch_method: str


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    registration: str
    course_id: str
    au_index: int
    actor: dict[str, Any]
    credential: str | None
    launched_at: int
    last_seen: int
    ended: str | None
    link_token: str | None = None


class Cmi5Service:
    def __init__(
        self,
        db: Database,
        statements: StatementLog,
        reports: ReportsService,
        base_url: str,
        issue_credential: IssueCredential,
    ) -> None:
        self.db = db
        self.statements = statements
        self.reports = reports
        self.documents = DocumentService(db)
        self.base_url = base_url.rstrip("/")
        self.issue_credential = issue_credential
        self.links = LinkStorage(db)
        self._pending: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    # --- import ---------------------------------------------------------------------------

    async def import_package(self, data: bytes, course_id: str | None = None) -> Cmi5Course:
        """Import a ``cmi5.xml`` or a zip package as a new course whose activity is the
        LMS's course id (satisfied when every AU's moveOn is met). All or nothing: a bad
        package is refused (400 naming the element and rule) before anything is saved."""
        package = cs.read_package(data)
        structure = package.structure
        new_id = course_id or slug(cs.title_of(structure.title))
        if course_id is not None and not _is_slug(course_id):
            raise bad(
                "id", "slug", "must be 1–63 of a-z, 0-9 and '-', starting with a letter or digit"
            )
        if any(course.id == new_id for course in await self.reports.list_courses()):
            raise bad("id", "conflict", f"a course {new_id!r} exists")
        imported = Cmi5Course(new_id, structure, package.packaged)
        await self._save(imported, package)
        try:
            await self.reports.add_course(
                {
                    "id": new_id,
                    "name": cs.title_of(structure.title)[:200],
                    "rule": "any_of",
                    "launch_kind": "cmi5",
                    "activities": [cs.course_activity(new_id)],
                    "url": self.au_url(imported, structure.aus[0]),
                    "description": cs.title_of(structure.description)[:2000],
                }
            )
        except Exception:
            await self._forget(new_id)
            raise
        return imported

    async def _save(self, course: Cmi5Course, package: Package) -> None:
        body = orjson.dumps(cs.to_json(course.structure)).decode()

        async def apply(tx: Tx) -> None:
            try:
                await tx.execute(
                    "INSERT INTO cmi5_courses (course_id, publisher_id, structure, packaged,"
                    " imported_at) VALUES (?, ?, ?, ?, ?)",
                    course.course_id,
                    course.structure.publisher_id,
                    body,
                    1 if package.packaged else 0,
                    _now_us(),
                )
            except Duplicate:
                raise bad("id", "conflict", f"a course {course.course_id!r} exists") from None
            await tx.executemany(
                "INSERT INTO cmi5_files (course_id, path, content_type, content)"
                " VALUES (?, ?, ?, ?)",
                [(course.course_id, f.path, f.content_type, f.content) for f in package.files],
            )

        await self.db.write(apply)

    async def _forget(self, course_id: str) -> None:
        async def apply(tx: Tx) -> None:
            await tx.execute("DELETE FROM cmi5_files WHERE course_id = ?", course_id)
            await tx.execute("DELETE FROM cmi5_courses WHERE course_id = ?", course_id)

        await self.db.write(apply)

    async def get(self, course_id: str) -> Cmi5Course | None:
        rows = await self.db.read(
            "SELECT structure, packaged FROM cmi5_courses WHERE course_id = ?", course_id
        )
        if not rows:
            return None
        return Cmi5Course(course_id, cs.from_json(orjson.loads(rows[0][0])), bool(rows[0][1]))

    async def require(self, course_id: str) -> Cmi5Course:
        found = await self.get(course_id)
        if found is None:
            raise NotFound(
                f"no cmi5 course {course_id!r}",
                [{"path": "course_id", "rule": "not_found", "message": course_id}],
            )
        return found

    async def file(self, course_id: str, path: str) -> tuple[str, bytes] | None:
        rows = await self.db.read(
            "SELECT content_type, content FROM cmi5_files WHERE course_id = ? AND path = ?",
            course_id,
            path,
        )
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def au_url(self, course: Cmi5Course, au: Au) -> str:
        """Where the AU is: its own URL, or (a file of the package) the service's copy."""
        if not au.packaged:
            return au.url
        return f"{self.base_url}/cmi5/{course.course_id}/files/{au.url}"

    def describe(self, course: Cmi5Course) -> dict[str, Any]:
        """The course structure as the API shows it."""
        s = course.structure
        return {
            "course_id": course.course_id,
            "publisher_id": s.publisher_id,
            "activity_id": cs.course_activity(course.course_id),
            "title": s.title,
            "packaged": course.packaged,
            "blocks": [
                {
                    "publisher_id": b.publisher_id,
                    "activity_id": cs.block_activity(course.course_id, b),
                    "title": b.title,
                }
                for b in s.blocks
            ],
            "aus": [
                {
                    "index": a.index,
                    "publisher_id": a.publisher_id,
                    "activity_id": cs.au_activity(course.course_id, a),
                    "title": a.title,
                    "url": self.au_url(course, a),
                    "launch_method": a.launch_method,
                    "move_on": a.move_on,
                    "mastery_score": a.mastery_score,
                    "launch_parameters": a.launch_parameters,
                    "entitlement_key": a.entitlement_key,
                }
                for a in s.aus
            ],
        }

    # --- registrations and sessions ---------------------------------------------------------

    async def registration(
        self, course_id: str, actor: dict[str, Any], registration: str | None = None
    ) -> str:
        """The learner's registration in the course: ``registration`` (a personal launch
        link's) or, without one, the learner's latest; made on first use, and moveOn
        evaluated then (spec 9.6.1)."""
        learner = agent_key(actor)
        if learner is None or actor.get("objectType", "Agent") != "Agent":
            raise bad("actor", "cmi5_actor", "a cmi5 actor must be an identified Agent")
        if registration is not None:
            registration = str(uuid.UUID(registration))
            rows = await self.db.read(
                "SELECT course_id, learner FROM cmi5_registrations WHERE id = ?", registration
            )
            if rows and (rows[0][0], rows[0][1]) != (course_id, learner):
                raise bad("registration", "conflict", "is another learner's or course's")
        else:
            rows = await self.db.read(
                "SELECT id FROM cmi5_registrations WHERE course_id = ? AND learner = ?"
                " ORDER BY created_at DESC, id LIMIT 1",
                course_id,
                learner,
            )
        if rows:
            return registration or str(rows[0][0])
        new_id = registration or str(uuid.uuid4())

        async def apply(tx: Tx) -> bool:
            try:
                await tx.execute(
                    "INSERT INTO cmi5_registrations (id, course_id, learner, actor, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    new_id,
                    course_id,
                    learner,
                    orjson.dumps(actor).decode(),
                    _now_us(),
                )
            except Duplicate:
                return False  # made meanwhile (the same link followed twice at once)
            return True

        if await self.db.write(apply):
            await self.evaluate(new_id, str(uuid.uuid4()))
        return new_id

    def _context(
        self,
        course: Cmi5Course,
        au: Au | None,
        registration: str,
        session_id: str,
        *,
        moveon: bool = False,
        extensions: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        category = [{"objectType": "Activity", "id": CATEGORY_CMI5}]
        if moveon:
            category.append({"objectType": "Activity", "id": CATEGORY_MOVEON})
        activities: dict[str, Any] = {"category": category}
        if au is not None:
            activities["grouping"] = [{"objectType": "Activity", "id": au.publisher_id}]
            activities["parent"] = [_course_parent(course)]
        return {
            "registration": registration,
            "contextActivities": activities,
            "extensions": {SESSION_ID: session_id, **(extensions or {})},
        }

    def _au_object(self, course: Cmi5Course, au: Au) -> dict[str, Any]:
        definition: dict[str, Any] = {"name": au.title}
        if au.activity_type:
            definition["type"] = au.activity_type
        return {
            "objectType": "Activity",
            "id": cs.au_activity(course.course_id, au),
            "definition": definition,
        }

    async def _store(self, statements: list[dict[str, Any]]) -> None:
        await self.statements.store_statements(statements, version="1.0.3", writer=WRITER)

    async def launch(
        self,
        course_id: str,
        actor: dict[str, Any],
        *,
        au_index: int = 0,
        return_url: str | None = None,
        launch_mode: str = "Normal",
        registration: str | None = None,
        link_token: str | None = None,
        document_owner: str | None = None,
    ) -> Launch:
        """Launch an AU for a learner (spec 8.1, 10): abandon the registration's open
        sessions, write ``LMS.LaunchData`` and the ``launched`` statement, and return the
        AU's URL with endpoint, fetch, actor, registration and activityId."""
        course = await self.require(course_id)
        au = course.au(au_index)
        registration = await self.registration(course_id, actor, registration)
        await self.abandon_open(registration)
        session_id = str(uuid.uuid4())
        fetch_secret = secrets.token_urlsafe(32)
        now = _now_us()

        async def apply(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO cmi5_sessions (id, registration_id, au_index, fetch_key,"
                " link_token, launched_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
                session_id,
                registration,
                au.index,
                _hash(fetch_secret),
                link_token,
                now,
                now,
            )

        await self.db.write(apply)
        activity_id = cs.au_activity(course_id, au)
        au_url = self.au_url(course, au)
        launch_data = self._launch_data(
            course, au, registration, session_id, return_url, launch_mode
        )
        # The LMS's own copy, and the AU's: documents belong to the client that wrote them,
        # and a personal link's credentials reach the link's documents (decision 0006).
        for owner in dict.fromkeys(("", document_owner or "")):
            await self._write_launch_data(activity_id, actor, registration, owner, launch_data)
        extensions: dict[str, Any] = {
            EXT + "launchmode": launch_mode,
            EXT + "launchurl": au_url,
            EXT + "moveon": au.move_on,
        }
        if au.mastery_score is not None:
            extensions[EXT + "masteryscore"] = float(au.mastery_score)
        if au.launch_parameters is not None:
            extensions[EXT + "launchparameters"] = au.launch_parameters
        await self._store(
            [
                {
                    "id": str(uuid.uuid4()),
                    "actor": actor,
                    "verb": {"id": LAUNCHED, "display": {"en-US": "launched"}},
                    "object": self._au_object(course, au),
                    "context": self._context(
                        course, au, registration, session_id, extensions=extensions
                    ),
                    "timestamp": _timestamp(now),
                }
            ]
        )
        parts = urlsplit(au_url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        query += [
            ("endpoint", f"{self.base_url}/xapi/"),
            ("fetch", f"{self.base_url}/cmi5/fetch/{fetch_secret}"),
            ("actor", orjson.dumps(actor).decode()),
            ("registration", registration),
            ("activityId", activity_id),
        ]
        url = urlunsplit(parts._replace(query=urlencode(query)))
        return Launch(url, registration, session_id, activity_id, au.launch_method)

    def _launch_data(
        self,
        course: Cmi5Course,
        au: Au,
        registration: str,
        session_id: str,
        return_url: str | None,
        launch_mode: str,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "contextTemplate": {
                "contextActivities": {
                    "grouping": [{"objectType": "Activity", "id": au.publisher_id}],
                    # The course as the AU's parent: the readiness ledger sees the learner
                    # at work on the course (in progress) from the launch on.
                    "parent": [_course_parent(course)],
                },
                "extensions": {SESSION_ID: session_id},
            },
            "launchMode": launch_mode,
            "moveOn": au.move_on,
        }
        if au.mastery_score is not None:
            data["masteryScore"] = float(au.mastery_score)
        if au.launch_parameters is not None:
            data["launchParameters"] = au.launch_parameters
        if au.entitlement_key is not None:
            data["entitlementKey"] = {"courseStructure": au.entitlement_key}
        if return_url:
            data["returnURL"] = return_url
        return data

    async def _write_launch_data(
        self,
        activity_id: str,
        actor: dict[str, Any],
        registration: str,
        client: str,
        data: dict[str, Any],
    ) -> None:
        scope = DocumentScope(
            DocumentKind.STATE, activity_id, agent_key(actor) or "", registration, client
        )
        await self.documents.put(
            scope, LAUNCH_DATA, orjson.dumps(data), "application/json", Preconditions(), "1.0.3"
        )

    async def _session(self, where: str, value: str) -> Session | None:
        rows = await self.db.read(
            "SELECT s.id, s.registration_id, r.course_id, s.au_index, r.actor, s.credential,"
            " s.launched_at, s.last_seen, s.ended, s.link_token FROM cmi5_sessions s"
            " JOIN cmi5_registrations r ON r.id = s.registration_id"
            f" WHERE s.{where} = ?",
            value,
        )
        if not rows:
            return None
        row = rows[0]
        return Session(
            id=row[0],
            registration=row[1],
            course_id=row[2],
            au_index=row[3],
            actor=orjson.loads(row[4]),
            credential=row[5],
            launched_at=row[6],
            last_seen=row[7],
            ended=row[8],
            link_token=row[9],
        )

    async def fetch(self, secret: str) -> dict[str, str]:
        """The one-time fetch URL (spec 8.2): ``{"auth-token": …}`` the first time, the
        cmi5 error response after (error-code 1), for an unknown URL (2), or when the
        credential could not be issued (3). Always status 200 (8.2.2)."""
        session = await self._session("fetch_key", _hash(secret))
        if session is None:
            return FETCH_UNKNOWN
        now = _now_us()

        async def claim(tx: Tx) -> int:
            return await tx.execute(
                "UPDATE cmi5_sessions SET fetched_at = ? WHERE id = ? AND fetched_at IS NULL"
                " AND ended IS NULL",
                now,
                session.id,
            )

        if await self.db.write(claim) != 1:
            return FETCH_ALREADY_USED
        try:
            issued = await self.issue_credential(
                session.actor, session.registration, session.id, session.link_token
            )
        except Exception:
            log.exception("cmi5: issuing a session's credential failed")
            return FETCH_FAILED
        if issued is None:
            return FETCH_REFUSED

        async def remember(tx: Tx) -> None:
            await tx.execute(
                "UPDATE cmi5_sessions SET credential = ? WHERE id = ?", issued.key, session.id
            )

        await self.db.write(remember)
        course = await self.require(session.course_id)
        au = course.au(session.au_index)
        # The AU reads its launch data with the credential it was given: documents belong
        # to their client, so the LMS writes a copy where that credential looks.
        data = self._launch_data(course, au, session.registration, session.id, None, "Normal")
        stored = await self._stored_launch_data(course, au, session)
        await self._write_launch_data(
            cs.au_activity(course.course_id, au),
            session.actor,
            session.registration,
            issued.document_owner,
            stored or data,
        )
        token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
        return {"auth-token": token}

    async def _stored_launch_data(
        self, course: Cmi5Course, au: Au, session: Session
    ) -> dict[str, Any] | None:
        scope = DocumentScope(
            DocumentKind.STATE,
            cs.au_activity(course.course_id, au),
            agent_key(session.actor) or "",
            session.registration,
            "",
        )
        try:
            found = await self.documents.get(scope, LAUNCH_DATA)
        except NotFound:
            return None
        loaded: dict[str, Any] = orjson.loads(found.content)
        return loaded

    # --- statements the AU sends -----------------------------------------------------------

    def on_stored(self, batch: list[PreparedStatement]) -> None:
        """The statement log's listener: AU statements of a cmi5 session (sent with the
        session's credential) are recorded and moveOn evaluated, after the batch is stored."""
        relevant = [
            p
            for p in batch
            if p.credential is not None
            and p.verb in AU_VERBS
            and str((p.body.get("object") or {}).get("id", "")).startswith(cs.ID_PREFIX)
        ]
        if not relevant:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self._record(relevant))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def settle(self) -> None:
        """Wait for the AU statements received so far to be evaluated."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def _record(self, batch: Iterable[PreparedStatement]) -> None:
        for prepared in batch:
            try:
                await self.record(prepared.body, prepared.credential)
            except Exception:
                log.exception("cmi5: evaluating an AU statement failed")

    async def record(self, body: Mapping[str, Any], credential: str | None) -> bool:
        """Record one AU statement: its session must be open and the statement sent with
        the session's own credential about the session's AU. Returns whether it counted."""
        context = body.get("context") or {}
        session_id = (context.get("extensions") or {}).get(SESSION_ID)
        if not isinstance(session_id, str):
            return False
        session = await self._session("id", session_id)
        if (
            session is None
            or session.credential is None
            or session.credential != credential
            or session.ended in ("abandoned", "waived")
            or context.get("registration") != session.registration
        ):
            return False
        course = await self.require(session.course_id)
        au = course.au(session.au_index)
        if (body.get("object") or {}).get("id") != cs.au_activity(course.course_id, au):
            return False
        verb = (body.get("verb") or {}).get("id")
        now = _now_us()

        async def apply(tx: Tx) -> None:
            await tx.execute("UPDATE cmi5_sessions SET last_seen = ? WHERE id = ?", now, session.id)
            if verb == TERMINATED:
                await tx.execute(
                    "UPDATE cmi5_sessions SET ended = 'terminated', ended_at = ?"
                    " WHERE id = ? AND ended IS NULL",
                    now,
                    session.id,
                )
            column = {COMPLETED: "completed_at", PASSED: "passed_at"}.get(str(verb))
            if column is not None:
                await self._mark(tx, session.registration, au.index, column, now)

        await self.db.write(apply)
        if verb in (COMPLETED, PASSED):
            await self.evaluate(session.registration, session.id)
        return True

    @staticmethod
    async def _mark(tx: Tx, registration: str, au_index: int, column: str, now: int) -> None:
        changed = await tx.execute(
            f"UPDATE cmi5_au_status SET {column} = COALESCE({column}, ?)"
            " WHERE registration_id = ? AND au_index = ?",
            now,
            registration,
            au_index,
        )
        if not changed:
            await tx.execute(
                f"INSERT INTO cmi5_au_status (registration_id, au_index, {column})"
                " VALUES (?, ?, ?)",
                registration,
                au_index,
                now,
            )

    async def check_open(self, data: Any) -> None:
        """Refuse statements in a cmi5 session that has ended (403, rule
        ``cmi5_session_ended``): abandoned or waived at once (spec 9.3.6, 9.3.7), terminated
        after ``TERMINATED_GRACE_US`` (9.3.8). Statements without a session id pass."""
        items = data if isinstance(data, list) else [data]
        found: dict[str, int] = {}
        for index, item in enumerate(items):
            context = item.get("context") if isinstance(item, Mapping) else None
            extensions = context.get("extensions") if isinstance(context, Mapping) else None
            value = extensions.get(SESSION_ID) if isinstance(extensions, Mapping) else None
            if isinstance(value, str):
                found.setdefault(value, index)
        if not found:
            return
        now = _now_us()
        for session_id, index in found.items():
            rows = await self.db.read(
                "SELECT ended, ended_at FROM cmi5_sessions WHERE id = ?", session_id
            )
            if not rows or rows[0][0] is None:
                continue
            ended, ended_at = rows[0][0], rows[0][1]
            if (
                ended == "terminated"
                and ended_at is not None
                and now - ended_at < TERMINATED_GRACE_US
            ):
                continue
            prefix = f"[{index}]." if isinstance(data, list) else ""
            path = f"{prefix}context.extensions"
            raise Forbidden(
                f"{path}: the cmi5 session has ended ({ended})",
                [
                    {
                        "path": path,
                        "rule": "cmi5_session_ended",
                        "message": f"the session was {ended}",
                    }
                ],
            )

    # --- moveOn and satisfied ---------------------------------------------------------------

    async def statuses(self, registration: str) -> dict[int, AuStatus]:
        rows = await self.db.read(
            "SELECT au_index, completed_at, passed_at, waived_at FROM cmi5_au_status"
            " WHERE registration_id = ?",
            registration,
        )
        return {
            row[0]: AuStatus(row[1] is not None, row[2] is not None, row[3] is not None)
            for row in rows
        }

    async def evaluate(self, registration: str, session_id: str) -> list[str]:
        """Write the satisfied statements now due for the registration's blocks and course
        (each once, claimed in ``cmi5_satisfied`` first); the object ids written."""
        rows = await self.db.read(
            "SELECT course_id, actor FROM cmi5_registrations WHERE id = ?", registration
        )
        if not rows:
            return []
        course = await self.require(rows[0][0])
        actor = orjson.loads(rows[0][1])
        blocks, whole = satisfied(course.structure, await self.statuses(registration))
        due: list[tuple[str, str, dict[str, str]]] = [
            (cs.block_activity(course.course_id, b), TYPE_BLOCK, b.title)
            for b in course.structure.blocks
            if b.index in blocks
        ]
        if whole:
            due.append((cs.course_activity(course.course_id), TYPE_COURSE, course.structure.title))
        written = []
        for object_id, kind, title in due:
            statement_id = str(uuid.uuid4())

            async def claim(
                tx: Tx, object_id: str = object_id, statement_id: str = statement_id
            ) -> bool:
                try:
                    await tx.execute(
                        "INSERT INTO cmi5_satisfied (registration_id, object_id, statement_id)"
                        " VALUES (?, ?, ?)",
                        registration,
                        object_id,
                        statement_id,
                    )
                except Duplicate:
                    return False
                return True

            if not await self.db.write(claim):
                continue
            try:
                await self._store(
                    [
                        {
                            "id": statement_id,
                            "actor": actor,
                            "verb": {"id": SATISFIED, "display": {"en-US": "satisfied"}},
                            "object": {
                                "objectType": "Activity",
                                "id": object_id,
                                "definition": {"name": title, "type": kind},
                            },
                            "context": self._context(course, None, registration, session_id),
                            "timestamp": _timestamp(_now_us()),
                        }
                    ]
                )
            except Exception:

                async def release(tx: Tx, object_id: str = object_id) -> None:
                    await tx.execute(
                        "DELETE FROM cmi5_satisfied WHERE registration_id = ? AND object_id = ?",
                        registration,
                        object_id,
                    )

                await self.db.write(release)
                raise
            written.append(object_id)
        return written

    # --- abandoned and waived ---------------------------------------------------------------

    async def abandon_open(self, registration: str | None = None, *, idle_us: int = 0) -> int:
        """Write ``abandoned`` for open sessions (never terminated): the registration's
        (a new launch of it starts), or every session idle for ``idle_us`` (the sweep).
        Returns how many were abandoned."""
        now = _now_us()
        if registration is not None:
            rows = await self.db.read(
                "SELECT id FROM cmi5_sessions WHERE registration_id = ? AND ended IS NULL",
                registration,
            )
        else:
            rows = await self.db.read(
                "SELECT id FROM cmi5_sessions WHERE ended IS NULL AND last_seen < ?",
                now - idle_us,
            )
        count = 0
        for (session_id,) in rows:
            session = await self._session("id", session_id)
            if session is None:
                continue

            async def end(tx: Tx, session_id: str = session_id) -> int:
                return await tx.execute(
                    "UPDATE cmi5_sessions SET ended = 'abandoned', ended_at = ?"
                    " WHERE id = ? AND ended IS NULL",
                    now,
                    session_id,
                )

            if await self.db.write(end) != 1:
                continue  # terminated (or abandoned by another instance) meanwhile
            course = await self.require(session.course_id)
            au = course.au(session.au_index)
            await self._store(
                [
                    {
                        "id": str(uuid.uuid4()),
                        "actor": session.actor,
                        "verb": {"id": ABANDONED, "display": {"en-US": "abandoned"}},
                        "object": self._au_object(course, au),
                        "result": {"duration": _duration(session.last_seen - session.launched_at)},
                        "context": self._context(course, au, session.registration, session.id),
                        "timestamp": _timestamp(now),
                    }
                ]
            )
            count += 1
        return count

    async def waive(
        self,
        course_id: str,
        actor: dict[str, Any],
        *,
        au_index: int | None = None,
        reason: str = "Administrative",
    ) -> list[int]:
        """An administrator exempts a learner: ``waived`` (with its reason, in a session of
        its own) for the AU, or every AU not yet satisfied, then moveOn. Returns the AUs
        waived (none when all were already satisfied or waived)."""
        if reason not in WAIVE_REASONS:
            raise bad("reason", "enum", f"must be one of {', '.join(WAIVE_REASONS)}")
        course = await self.require(course_id)
        aus = [course.au(au_index)] if au_index is not None else list(course.structure.aus)
        registration = await self.registration(course_id, actor)
        statuses = await self.statuses(registration)

        waived = []
        for au in aus:
            status = statuses.get(au.index, AuStatus())
            if status.waived or (au_index is None and au_satisfied(au.move_on, status)):
                continue
            session_id = str(uuid.uuid4())
            now = _now_us()

            async def apply(tx: Tx, au: Au = au, now: int = now) -> None:
                await self._mark(tx, registration, au.index, "waived_at", now)

            await self.db.write(apply)
            await self._store(
                [
                    {
                        "id": str(uuid.uuid4()),
                        "actor": actor,
                        "verb": {"id": WAIVED, "display": {"en-US": "waived"}},
                        "object": self._au_object(course, au),
                        "result": {
                            "success": True,
                            "completion": True,
                            "extensions": {REASON: reason},
                        },
                        "context": self._context(course, au, registration, session_id, moveon=True),
                        "timestamp": _timestamp(now),
                    }
                ]
            )
            await self.evaluate(registration, session_id)
            waived.append(au.index)
        return waived

    async def participant_actor(
        self, participant: Participant, course_id: str, registration: str | None = None
    ) -> dict[str, Any]:
        """The actor the LMS launches a participant's AUs with (spec 8.1, 9.2; decision
        0007): their launch account (``reports.links.launch_account``), recorded as one of
        their identities first, so the LMS's statements and the AU's count for them. A
        registration keeps the actor it was made with: one made before launches used the
        account (the participant's address as ``mbox``) goes on with that actor, its
        statements and the AU's state under one agent. ``registration`` is the link's; none
        (a waiver) means the participant's latest registration in the course."""
        account = launch_account(participant.id, self.base_url)
        account_key = agent_key(account)
        assert account_key is not None
        own = {account_key, agent_key(launch_actor(participant))}
        if registration is not None:
            rows = await self.db.read(
                "SELECT learner, actor FROM cmi5_registrations WHERE id = ? AND course_id = ?",
                str(uuid.UUID(registration)),
                course_id,
            )
        else:
            condition, keys = in_list(self.db.dialect, "learner", sorted(k for k in own if k))
            rows = await self.db.read(
                f"SELECT learner, actor FROM cmi5_registrations WHERE course_id = ? AND {condition}"
                " ORDER BY created_at DESC, id LIMIT 1",
                course_id,
                *keys,
            )
        if rows and rows[0][0] in own and rows[0][0] != account_key:
            earlier: dict[str, Any] = orjson.loads(rows[0][1])
            return earlier
        await self.links.remember_account(participant.id, account_key, self.reports.clock())
        return account

    async def waive_participant(
        self, workshop_id: str, participant_id: str, course_id: str, data: Mapping[str, Any]
    ) -> list[int]:
        """An administrator exempts a participant from a cmi5 course their workshop
        requires: ``{"au": index (optional: every AU not yet satisfied), "reason": one of
        the spec's reasons (default Administrative)}``."""
        fields = require_object(data, frozenset({"au", "reason"}))
        workshop = await self.reports.get_workshop(workshop_id)
        participant = await self.reports.get_participant(workshop_id, participant_id)
        if course_id not in workshop.courses:
            raise bad("course_id", "not_required", "the workshop does not require this course")
        au_index = fields.get("au")
        if au_index is not None and (not isinstance(au_index, int) or isinstance(au_index, bool)):
            raise bad("au", "type", "must be the number of an AU (0 for the first)")
        reason = fields.get("reason", "Administrative")
        if not isinstance(reason, str):
            raise bad("reason", "type", "must be a string")
        actor = await self.participant_actor(participant, course_id)
        return await self.waive(course_id, actor, au_index=au_index, reason=reason)

    # --- the sweep ---------------------------------------------------------------------------

    def start(self, every_seconds: float = 600.0) -> None:
        async def sweep() -> None:
            while True:
                await asyncio.sleep(every_seconds)
                try:
                    await self.abandon_open(idle_us=STALE_AFTER_US)
                except Exception:
                    log.exception("cmi5: the abandoned-session sweep failed")

        self._sweeper = asyncio.get_running_loop().create_task(sweep())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        await self.settle()


def _course_parent(course: Cmi5Course) -> dict[str, str]:
    return {"objectType": "Activity", "id": cs.course_activity(course.course_id)}


def _is_slug(value: str) -> bool:
    import re

    return re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", value) is not None
