"""Every ``/api/v1`` route, walked with every kind of person.

The walk enumerates the app's route table: a route without a declared permission, or one
this test does not know how to exercise, fails here. For each method and each person it
asserts the exact outcome (401 without a valid token, 403 for an action the role never
has, 404 for an object that does not exist *or* lies outside the person's scope, with
the very same body, else success), and that no answer carries anything of a county (or,
for a municipality coordinator, a municipality) the person may not see.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import openpyxl
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from lrs_bridge.config import Settings, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from tests.lrs_bridge.cmi5.packages import au as cmi5_au
from tests.lrs_bridge.cmi5.packages import structure as cmi5_structure
from tests.mail import MailCatcher

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Who is asking. Each person's county (None: national), and what they may see.
KINDS = (
    "nobody",
    "bad token",
    "national",
    "admin 21",
    "admin 14",
    "coordinator 2180",
    "coordinator 21",
    "coordinator 14",
)
ACCOUNTS: dict[str, tuple[str, str | None, str | None]] = {
    "national": ("national-admin", None, None),
    "admin 21": ("county-admin", "21", None),
    "admin 14": ("county-admin", "14", None),
    "coordinator 2180": ("coordinator", None, "2180"),
    "coordinator 21": ("coordinator", "21", None),
    "coordinator 14": ("coordinator", "14", None),
}
# The targets a request can name: Gävleborg's workshop (and its participant in Gävle
# 2180), the same workshop's participant in Sandviken 2181, Västra Götaland's workshop
# (participant in Göteborg 1480), and an id that exists nowhere.
SEES: dict[str, set[str]] = {
    "national": {"21", "21-2181", "14"},
    "admin 21": {"21", "21-2181"},
    "admin 14": {"14"},
    "coordinator 2180": {"21"},
    "coordinator 21": {"21", "21-2181"},
    "coordinator 14": {"14"},
}
# What each role may do at all: admins change their county's workshops and lists, read its
# unmatched learners and audit log; only national admins change courses; coordinators read.
ADMINS = {"national", "admin 21", "admin 14"}
COURSE_WRITERS = {"national"}
ADMIN_ONLY = {("/api/v1/learners/unmatched", "GET"), ("/api/v1/audit", "GET")}
# Issue 15: whom each admin manages (a person named in the path), by seeded target.
PEOPLE_SEES: dict[str, set[str]] = {
    "national": {"21", "14", "admin 21", "national"},
    "admin 21": {"21"},
    "admin 14": {"14"},
}
# Reminding is following up, not changing: coordinators send them too (within scope).
EVERYONE_SENDS = {
    ("/api/v1/workshops/{workshop_id}/reminders", "POST"),
    ("/api/v1/workshops/{workshop_id}/invitations", "POST"),
}


@dataclass
class Seed:
    """One fresh set of objects per request, so that writes never disturb the next case."""

    workshops: dict[str, str]  # "21" / "14" → workshop id
    participants: dict[str, str]  # "21" / "21-2181" / "14" → participant id
    course: str
    secrets: dict[str, set[str]] = field(default_factory=dict)  # scope → strings
    connected: dict[str, str] = field(default_factory=dict)  # scope → a connected identity
    tag: str = ""
    people: dict[str, str] = field(default_factory=dict)  # target → user id (issue 15)
    credential: str = ""


@dataclass
class World:
    app: Starlette
    http: httpx.AsyncClient
    services: Services
    headers: dict[str, dict[str, str]]
    secrets: dict[str, set[str]] = field(default_factory=dict)

    async def seed(self) -> Seed:
        reports = self.services.reports
        tag = uuid.uuid4().hex[:8]
        workshops: dict[str, str] = {}
        participants: dict[str, str] = {}
        connected: dict[str, str] = {}
        rows = {
            "21": [("Gävle", "2180", "21"), ("Sandviken", "2181", "21-2181")],
            "14": [("Göteborg", "1480", "14")],
        }
        if await self.services.cmi5.get("cmi5-kurs") is None:
            await self.services.cmi5.import_package(
                cmi5_structure(cmi5_au(1, "https://example.se/au/")), "cmi5-kurs"
            )
        for county, people in rows.items():
            title = f"Workshop {county} {tag}"
            workshop = await reports.create_workshop(
                {
                    "county": county,
                    "title": title,
                    "date": "2030-01-18",
                    "courses": ["valmyndigheten-introduktion", "cmi5-kurs"],
                }
            )
            workshops[county] = workshop.id
            self.secrets.setdefault(county, set()).update({workshop.id, title})
            for town, code, scope in people:
                name = f"Person {town} {tag}"
                email = f"person.{tag}@{code}.example.se"
                participant = await reports.add_participant(
                    workshop.id,
                    {"name": name, "email": email, "municipality": code, "role": "valnämnd"},
                )
                participants[scope] = participant.id
                self.secrets.setdefault(scope, set()).update({participant.id, name, email})
                # Issue 15: an exemption and a connected identity to undo.
                await reports.exempt(
                    workshop.id,
                    participant.id,
                    {"course": "valmyndigheten-introduktion", "reason": "tidigare"},
                    by=None,
                )
                identity = f"mbox:connected.{tag}@{code}.example.se"
                await reports.connect_identity(
                    workshop.id, participant.id, {"identity": identity}, by=None
                )
                connected[scope] = identity
                self.secrets[scope].add(identity)
        course = await reports.add_course(
            {"name": f"Kurs {tag}", "activities": [f"https://example.se/xapi/{tag}"]}
        )
        bridge = self.services.bridge
        remote = {"endpoint": "http://127.0.0.1:9/xapi/", "key": "k", "secret": "s"}
        if await bridge.storage.get_source("src") is None:  # one of each, put back if deleted
            await bridge.add_source({"name": "src", **remote})
        if await bridge.storage.get_target("tgt") is None:
            await bridge.add_target({"name": "tgt", **remote})
        people: dict[str, str] = {}
        for target, role, county in (
            ("21", "coordinator", "21"),
            ("14", "coordinator", "14"),
            ("admin 21", "county-admin", "21"),
            ("national", "national-admin", None),
        ):
            email = f"{target.replace(' ', '.')}.{tag}@example.se"
            user = await self.services.people.create_user(email, role, county)
            people[target] = str(user.id)
            if role == "coordinator":
                self.secrets.setdefault(target, set()).add(email)
        people["missing"] = "999999999"
        key = (await self.services.credentials.create(f"Nyckel {tag}", ["all"])).credential.key
        return Seed(
            workshops,
            participants,
            course.id,
            connected=connected,
            tag=tag,
            people=people,
            credential=key,
        )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def settings(database_url: str, smtp: tuple[MailCatcher, int]) -> Settings:
    """Reminders go to a real SMTP server (aiosmtpd), so sending them answers at once."""
    return load_settings(
        database_url=database_url,
        public_url="http://lrs.test",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
    )


@pytest.fixture
async def world(services: Services, settings: Settings) -> AsyncIterator[World]:
    headers: dict[str, dict[str, str]] = {
        "nobody": {},
        "bad token": bearer("lrsb_0123456789abcdef_" + "x" * 43),
    }
    for kind, (role, county, municipality) in ACCOUNTS.items():
        user = await services.people.create_user(
            f"{kind.replace(' ', '.')}@example.se", role, county, municipality
        )
        headers[kind] = bearer((await services.people.issue_token(str(user.id))).token)
    app = create_app(settings, services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lrs.test") as http:
        yield World(app, http, services, headers)


# --- how each operation is exercised --------------------------------------------------------


@dataclass(frozen=True)
class Call:
    url: str
    json: dict[str, Any] | None = None
    content: bytes | None = None
    content_type: str | None = None


def _csv(seed: Seed, target: str) -> bytes:
    town = {"21": "2180", "14": "1480"}.get(target, "2180")
    return (
        f"namn;e-post;kommun;roll\nNy Import;ny.import@{town}.example.se;{town};valnämnd\n".encode()
    )


def _workshop(seed: Seed, target: str) -> str:
    return seed.workshops.get(target[:2], "nosuchworkshop")


def _participant(seed: Seed, target: str) -> str:
    return seed.participants.get(target, "nosuchparticipant")


def _p(seed: Seed, target: str) -> str:
    return f"/api/v1/workshops/{_workshop(seed, target)}/participants/{_participant(seed, target)}"


def _town(target: str) -> str:
    return {"21": "2180", "21-2181": "2181", "14": "1480"}.get(target, "2180")


Target = str
BRIDGE_REMOTE = {"endpoint": "http://127.0.0.1:9/xapi/", "key": "k", "secret": "s"}
Build = Callable[[Seed, Target], Call]

W = "/api/v1/workshops/{workshop_id}"
P = W + "/participants/{participant_id}"

# (path, method) → (targets to try, how to build the request, success status)
OPERATIONS: dict[tuple[str, str], tuple[tuple[str, ...], Build, int]] = {
    ("/api/v1/workshops", "GET"): (
        ("", "21", "14"),
        lambda s, t: Call(f"/api/v1/workshops?county={t}" if t else "/api/v1/workshops"),
        200,
    ),
    ("/api/v1/workshops", "POST"): (
        ("21", "14"),
        lambda s, t: Call(
            "/api/v1/workshops",
            json={"county": t, "title": "Ny workshop", "date": "2030-03-01"},
        ),
        201,
    ),
    (W, "GET"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}"),
        200,
    ),
    (W, "PATCH"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}", json={"title": "Ändrad"}),
        200,
    ),
    (W, "DELETE"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}"),
        200,
    ),
    (W + "/participants", "GET"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/participants"),
        200,
    ),
    (W + "/participants", "PUT"): (
        ("21", "14", "missing"),
        lambda s, t: Call(
            f"/api/v1/workshops/{_workshop(s, t)}/participants?confirm_removal=true",
            content=_csv(s, t),
            content_type="text/csv",
        ),
        200,
    ),
    (W + "/participants", "POST"): (
        ("21", "14", "missing"),
        lambda s, t: Call(
            f"/api/v1/workshops/{_workshop(s, t)}/participants",
            json={
                "name": "Ny Person",
                "email": "ny.person@example.se",
                "municipality": {"14": "1480"}.get(t, "2180"),
                "role": "valnämnd",
            },
        ),
        201,
    ),
    (P, "GET"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/participants/{_participant(s, t)}"),
        200,
    ),
    (P, "PATCH"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(
            f"/api/v1/workshops/{_workshop(s, t)}/participants/{_participant(s, t)}",
            json={"role": "kommunikatör"},
        ),
        200,
    ),
    (P, "DELETE"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/participants/{_participant(s, t)}"),
        200,
    ),
    (P + "/cmi5/{course_id}/waiver", "POST"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(
            f"/api/v1/workshops/{_workshop(s, t)}/participants/{_participant(s, t)}"
            "/cmi5/cmi5-kurs/waiver",
            json={"reason": "Administrative"},
        ),
        200,
    ),
    # Issue 15: requirements per role, exemptions and connected identities, with undo.
    (W + "/requirements", "GET"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/requirements"),
        200,
    ),
    (W + "/requirements", "PUT"): (
        ("21", "14", "missing"),
        lambda s, t: Call(
            f"/api/v1/workshops/{_workshop(s, t)}/requirements",
            json={"requirements": {}},
        ),
        200,
    ),
    (P + "/exemptions", "GET"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(f"{_p(s, t)}/exemptions"),
        200,
    ),
    (P + "/exemptions", "POST"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(
            f"{_p(s, t)}/exemptions",
            json={"course": "valmyndigheten-introduktion", "reason": "genomförd 2026"},
        ),
        201,
    ),
    (P + "/exemptions/{course_id}", "DELETE"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(f"{_p(s, t)}/exemptions/valmyndigheten-introduktion"),
        200,
    ),
    (P + "/identities", "GET"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(f"{_p(s, t)}/identities"),
        200,
    ),
    (P + "/identities", "POST"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(
            f"{_p(s, t)}/identities",
            json={"email": f"annan.{s.tag}@{_town(t)}.example.se"},
        ),
        201,
    ),
    (P + "/identities", "DELETE"): (
        ("21", "21-2181", "14", "missing"),
        lambda s, t: Call(
            f"{_p(s, t)}/identities?identity=" + quote(s.connected.get(t, "mbox:nobody@example.se"))
        ),
        200,
    ),
    (W + "/readiness", "GET"): (
        ("21", "14", "missing", "21 csv", "14 csv", "21 xlsx", "14 xlsx"),
        lambda s, t: Call(
            f"/api/v1/workshops/{_workshop(s, t)}/readiness"
            + (f"?format={t.split()[1]}" if " " in t else "")
        ),
        200,
    ),
    (W + "/reminders", "GET"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/reminders"),
        200,
    ),
    (W + "/reminders", "POST"): (
        ("21", "14", "missing"),
        lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/reminders"),
        200,
    ),
    **{
        (W + "/invitations", method): (
            ("21", "14", "missing"),
            lambda s, t: Call(f"/api/v1/workshops/{_workshop(s, t)}/invitations"),
            200,
        )
        for method in ("GET", "POST")
    },
    **{
        (P + "/links", method): (
            ("21", "21-2181", "14", "missing"),
            lambda s, t: Call(
                f"/api/v1/workshops/{_workshop(s, t)}/participants/{_participant(s, t)}/links"
            ),
            200,
        )
        for method in ("GET", "DELETE")
    },
    ("/api/v1/readiness", "GET"): (
        ("", "csv", "xlsx"),
        lambda s, t: Call("/api/v1/readiness" + (f"?format={t}" if t else "")),
        200,
    ),
    ("/api/v1/readiness/{county}", "GET"): (
        ("21", "14", "missing", "21 xlsx"),
        lambda s, t: Call(
            "/api/v1/readiness/"
            + {"missing": "99"}.get(t, t[:2])
            + (f"?format={t.split()[1]}" if " " in t else "")
        ),
        200,
    ),
    **{
        ("/api/v1/counties/{county}/contact", method): (
            ("21", "14", "missing"),
            lambda s, t, method=method: Call(
                f"/api/v1/counties/{ {'missing': '99'}.get(t, t) }/contact",
                json={"name": "Karin Berg", "email": "karin.berg@example.se"}
                if method == "PUT"
                else None,
            ),
            200,
        )
        for method in ("GET", "PUT", "DELETE")
    },
    ("/api/v1/courses", "GET"): (("",), lambda s, t: Call("/api/v1/courses"), 200),
    ("/api/v1/courses", "POST"): (
        ("",),
        lambda s, t: Call(
            "/api/v1/courses",
            json={"name": f"Ny kurs {uuid.uuid4().hex}", "activities": ["https://example.se/k"]},
        ),
        201,
    ),
    ("/api/v1/courses/{course_id}", "GET"): (
        ("",),
        lambda s, t: Call(f"/api/v1/courses/{s.course}"),
        200,
    ),
    ("/api/v1/courses/{course_id}", "PUT"): (
        ("",),
        lambda s, t: Call(
            f"/api/v1/courses/{s.course}",
            json={"name": "Ändrad kurs", "activities": ["https://example.se/k2"]},
        ),
        200,
    ),
    ("/api/v1/cmi5/courses", "POST"): (
        ("",),
        lambda s, t: Call(
            f"/api/v1/cmi5/courses?id=cmi5-{uuid.uuid4().hex[:8]}",
            content=cmi5_structure(cmi5_au(1, "https://example.se/au/")),
            content_type="application/xml",
        ),
        201,
    ),
    ("/api/v1/cmi5/courses/{course_id}", "GET"): (
        ("",),
        lambda s, t: Call("/api/v1/cmi5/courses/cmi5-kurs"),
        200,
    ),
    ("/api/v1/learners/unmatched", "GET"): (
        ("", "21", "14"),
        lambda s, t: Call("/api/v1/learners/unmatched" + (f"?county={t}" if t else "")),
        200,
    ),
    ("/api/v1/audit", "GET"): (
        ("", "21", "14"),
        lambda s, t: Call("/api/v1/audit" + (f"?county={t}" if t else "")),
        200,
    ),
    # Every learner's statements, of every county: national admins only.
    ("/api/v1/statements", "GET"): (("",), lambda s, t: Call("/api/v1/statements"), 200),
    ("/api/v1/statements/export", "GET"): (
        ("",),
        lambda s, t: Call("/api/v1/statements/export?format=csv"),
        200,
    ),
    **{
        (f"/api/v1/bridge/{kind}s", "POST"): (
            ("",),
            lambda s, t, kind=kind: Call(
                f"/api/v1/bridge/{kind}s",
                json={"name": f"new-{uuid.uuid4().hex[:8]}", **BRIDGE_REMOTE},
            ),
            201,
        )
        for kind in ("source", "target")
    },
    ("/api/v1/bridge/sources", "GET"): (("",), lambda s, t: Call("/api/v1/bridge/sources"), 200),
    ("/api/v1/bridge/sources/{name}", "GET"): (
        ("",),
        lambda s, t: Call("/api/v1/bridge/sources/src"),
        200,
    ),
    ("/api/v1/bridge/sources/{name}", "DELETE"): (
        ("",),
        lambda s, t: Call("/api/v1/bridge/sources/src"),
        200,
    ),
    ("/api/v1/bridge/sources/{name}/pull", "POST"): (
        ("",),
        lambda s, t: Call("/api/v1/bridge/sources/src/pull"),
        202,
    ),
    ("/api/v1/bridge/targets", "GET"): (("",), lambda s, t: Call("/api/v1/bridge/targets"), 200),
    ("/api/v1/bridge/targets/{name}", "GET"): (
        ("",),
        lambda s, t: Call("/api/v1/bridge/targets/tgt"),
        200,
    ),
    ("/api/v1/bridge/targets/{name}", "DELETE"): (
        ("",),
        lambda s, t: Call("/api/v1/bridge/targets/tgt"),
        200,
    ),
    ("/api/v1/bridge/outbox", "GET"): (("",), lambda s, t: Call("/api/v1/bridge/outbox"), 200),
    # --- issue 15: people, one's own account, xAPI credentials ---
    ("/api/v1/people", "GET"): (("",), lambda s, t: Call("/api/v1/people"), 200),
    ("/api/v1/people", "POST"): (
        ("21", "14"),
        lambda s, t: Call(
            "/api/v1/people",
            json={
                "email": f"ny.{uuid.uuid4().hex[:8]}@example.se",
                "role": "coordinator",
                "county": t,
                "send_link": False,
            },
        ),
        201,
    ),
    ("/api/v1/people/{user_id}", "GET"): (
        ("21", "14", "admin 21", "national", "missing"),
        lambda s, t: Call(f"/api/v1/people/{s.people[t]}"),
        200,
    ),
    ("/api/v1/people/{user_id}", "PATCH"): (
        ("21", "14", "admin 21", "national", "missing"),
        lambda s, t: Call(f"/api/v1/people/{s.people[t]}", json={"disabled": True}),
        200,
    ),
    ("/api/v1/people/{user_id}/password-link", "POST"): (
        ("21", "14", "admin 21", "national", "missing"),
        lambda s, t: Call(f"/api/v1/people/{s.people[t]}/password-link"),
        202,
    ),
    ("/api/v1/me", "GET"): (("",), lambda s, t: Call("/api/v1/me"), 200),
    # Nobody here has a password: a too short new one is refused before any is checked.
    ("/api/v1/me/password", "PUT"): (
        ("",),
        lambda s, t: Call("/api/v1/me/password", json={"current": "x", "password": "kort"}),
        400,
    ),
    ("/api/v1/me/tokens", "GET"): (("",), lambda s, t: Call("/api/v1/me/tokens"), 200),
    ("/api/v1/me/tokens", "POST"): (("",), lambda s, t: Call("/api/v1/me/tokens"), 201),
    # Another person's token (or none): the same 404 (one's own: test_people_api.py).
    ("/api/v1/me/tokens/{token_id}", "DELETE"): (
        ("missing",),
        lambda s, t: Call("/api/v1/me/tokens/0123456789abcdef"),
        404,
    ),
    ("/api/v1/credentials", "GET"): (("",), lambda s, t: Call("/api/v1/credentials"), 200),
    ("/api/v1/credentials", "POST"): (
        ("",),
        lambda s, t: Call(
            "/api/v1/credentials", json={"label": "Ny nyckel", "scopes": ["statements/write"]}
        ),
        201,
    ),
    ("/api/v1/credentials/{key}", "GET"): (
        ("", "missing"),
        lambda s, t: Call(f"/api/v1/credentials/{s.credential if t == '' else 'nosuchkey'}"),
        200,
    ),
    ("/api/v1/credentials/{key}", "DELETE"): (
        ("", "missing"),
        lambda s, t: Call(f"/api/v1/credentials/{s.credential if t == '' else 'nosuchkey'}"),
        200,
    ),
    ("/api/v1/personal-data/extract", "POST"): (
        ("",),
        lambda s, t: Call("/api/v1/personal-data/extract", json={"email": "admin.14@example.se"}),
        200,
    ),
    ("/api/v1/personal-data/erase", "POST"): (
        ("",),
        lambda s, t: Call("/api/v1/personal-data/erase", json={"email": "admin.14@example.se"}),
        200,
    ),
}


def expected(kind: str, path: str, method: str, target: str, success: int) -> int:
    if kind in ("nobody", "bad token"):
        return 401
    if path.startswith("/api/v1/me"):  # one's own account: everyone
        return success
    if path.startswith("/api/v1/credentials"):  # xAPI credentials: national admins only
        if kind != "national":
            return 403
        return 404 if target == "missing" else success
    if path.startswith("/api/v1/people"):  # admins, each over the people they manage
        if kind not in ADMINS:
            return 403
        if "{" in path:
            return success if target in PEOPLE_SEES[kind] else 404
        if method == "POST" and target not in SEES[kind]:
            return 403
        return success
    if path.startswith(("/api/v1/bridge/", "/api/v1/statements", "/api/v1/personal-data/")):
        # national admins only
        return success if kind == "national" else 403
    writes = method != "GET" and (path, method) not in EVERYONE_SENDS
    courses = path.startswith(("/api/v1/courses", "/api/v1/cmi5/courses"))
    if courses and writes and kind not in COURSE_WRITERS:
        return 403
    if (writes or (path, method) in ADMIN_ONLY) and kind not in ADMINS:
        return 403
    scope = target.split()[0] if target else ""
    if "{" in path:  # the path names an object: 404 unless it exists and is in scope
        if courses:
            return success
        return success if scope in SEES[kind] else 404
    if (path, method) == ("/api/v1/workshops", "POST") and scope not in SEES[kind]:
        return 403  # a new workshop only in one's own county
    return success


def text_of(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return response.content.decode("utf-8-sig")


def leaks(world: World, kind: str, url: str, text: str) -> list[str]:
    """Strings of scopes ``kind`` may not see found in an answer (ids the request itself
    named are echoed in 404 details and do not count)."""
    hidden = {"21", "21-2181", "14"} - SEES.get(kind, set())
    return sorted(
        secret
        for scope in hidden
        for secret in world.secrets.get(scope, ())
        if secret in text and secret not in url
    )


async def test_every_route_answers_every_kind_of_person_exactly(world: World) -> None:
    served: set[tuple[str, str]] = set()
    for route in world.app.routes:
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        path = route.path
        actions = getattr(route.endpoint, "actions", None)
        assert actions, f"{path} is served without declared permissions"
        for method in (route.methods or set()) - {"HEAD"}:
            assert method in actions, f"{method} {path} has no declared permission"
            served.add((path, method))
    assert served == set(OPERATIONS), "routes this walk does not know (or no longer exist)"

    outcomes: list[tuple[str, str, str, str, int, int]] = []
    leaked: list[tuple[str, str, str, list[str]]] = []
    for (path, method), (targets, build, success) in sorted(OPERATIONS.items()):
        for target in targets:
            for kind in KINDS:
                seed = await world.seed()
                call = build(seed, target)
                headers = dict(world.headers[kind])
                if call.content_type:
                    headers["Content-Type"] = call.content_type
                if kind == "bad token":
                    # As if each wrong token came from a client of its own: from one, the
                    # 21st within 15 minutes is answered 429 (test_security_auth.py).
                    world.services.limits.clients.succeeded("127.0.0.1")
                response = await world.http.request(
                    method, call.url, json=call.json, content=call.content, headers=headers
                )
                want = expected(kind, path, method, target, success)
                outcomes.append((method, path, target, kind, want, response.status_code))
                if response.status_code == 401:
                    assert response.headers["WWW-Authenticate"] == 'Bearer realm="lrs-bridge"'
                if response.status_code in (401, 403, 404):
                    body = response.json()
                    assert set(body) == {"error", "details"} and body["details"], body
                found = leaks(world, kind, call.url, text_of(response))
                if found:
                    leaked.append((method, call.url, kind, found))
    wrong = [o for o in outcomes if o[4] != o[5]]
    assert wrong == [], "\n".join(
        f"{m} {p} [{t}] as {k}: expected {w}, got {g}" for m, p, t, k, w, g in wrong
    )
    assert leaked == []


async def test_out_of_scope_and_missing_objects_answer_the_same(world: World) -> None:
    """A county admin cannot tell another county's workshop from one that does not exist."""
    seed = await world.seed()
    foreign = seed.workshops["14"]
    pairs = [
        (f"/api/v1/workshops/{foreign}", "/api/v1/workshops/0000000000"),
        (
            f"/api/v1/workshops/{foreign}/participants/{seed.participants['14']}",
            "/api/v1/workshops/0000000000/participants/0000000000",
        ),
        (
            f"/api/v1/workshops/{foreign}/readiness?format=csv",
            "/api/v1/workshops/0000000000/readiness?format=csv",
        ),
    ]
    for kind in ("admin 21", "coordinator 2180", "coordinator 21"):
        for there, nowhere in pairs:
            a = await world.http.get(there, headers=world.headers[kind])
            b = await world.http.get(nowhere, headers=world.headers[kind])
            assert (a.status_code, b.status_code) == (404, 404)
            assert a.headers["content-type"] == b.headers["content-type"]
            assert a.text.replace(there.split("?")[0], "PATH") == b.text.replace(
                nowhere.split("?")[0], "PATH"
            )
    # Writes too: the county admin of 21 cannot change or remove what 14 has.
    headers = world.headers["admin 21"]
    changed = await world.http.patch(
        f"/api/v1/workshops/{foreign}", json={"title": "x"}, headers=headers
    )
    removed = await world.http.delete(f"/api/v1/workshops/{foreign}", headers=headers)
    assert (changed.status_code, removed.status_code) == (404, 404)
    still = await world.services.reports.get_workshop(foreign)
    assert still.title.startswith("Workshop 14 ")
