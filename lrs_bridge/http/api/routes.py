"""Every ``/api/v1`` route with the action each method needs and the locator of the object
its path names: the table ``people_guarded`` enforces and
``tests/lrs_bridge/test_api_access.py`` walks with every kind of person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action, Principal
from lrs_bridge.gate import COUNTY, PARTICIPANT, WORKSHOP, Locator
from lrs_bridge.http.api import (
    audit,
    bridge,
    contacts,
    courses,
    personal,
    readiness,
    reminders,
    workshops,
)
from lrs_bridge.http.guard import people_guarded

Handler = Callable[[Request, Principal], Awaitable[Response]]

PREFIX = "/api/v1"


def _by_method(handlers: dict[str, tuple[Handler, Action]]) -> Handler:
    async def dispatch(request: Request, principal: Principal) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method][0](request, principal)

    return dispatch


def _route(
    path: str, handlers: dict[str, tuple[Handler, Action]], locator: Locator | None = None
) -> Route:
    actions = {method: action for method, (_, action) in handlers.items()}
    methods = list(handlers) + (["HEAD"] if "GET" in handlers else [])
    return Route(
        PREFIX + path, people_guarded(_by_method(handlers), actions, locator), methods=methods
    )


def api_routes() -> list[Route]:
    return [
        _route(
            "/workshops",
            {
                "GET": (workshops.list_workshops, Action.WORKSHOPS_READ),
                "POST": (workshops.create_workshop, Action.WORKSHOPS_WRITE),
            },
        ),
        _route(
            "/workshops/{workshop_id}",
            {
                "GET": (workshops.get_workshop, Action.WORKSHOPS_READ),
                "PATCH": (workshops.change_workshop, Action.WORKSHOPS_WRITE),
                "DELETE": (workshops.delete_workshop, Action.WORKSHOPS_WRITE),
            },
            WORKSHOP,
        ),
        _route(
            "/workshops/{workshop_id}/participants",
            {
                "GET": (workshops.list_participants, Action.PARTICIPANTS_READ),
                "PUT": (workshops.import_participants, Action.PARTICIPANTS_WRITE),
                "POST": (workshops.add_participant, Action.PARTICIPANTS_WRITE),
            },
            WORKSHOP,
        ),
        _route(
            "/workshops/{workshop_id}/participants/{participant_id}",
            {
                "GET": (workshops.get_participant, Action.PARTICIPANTS_READ),
                "PATCH": (workshops.change_participant, Action.PARTICIPANTS_WRITE),
                "DELETE": (workshops.remove_participant, Action.PARTICIPANTS_WRITE),
            },
            PARTICIPANT,
        ),
        _route(
            "/workshops/{workshop_id}/readiness",
            {"GET": (readiness.workshop_readiness, Action.REPORTS_READ)},
            WORKSHOP,
        ),
        _route(
            "/workshops/{workshop_id}/reminders",
            {
                "GET": (reminders.preview_reminders, Action.REMINDERS_SEND),
                "POST": (reminders.send_reminders, Action.REMINDERS_SEND),
            },
            WORKSHOP,
        ),
        _route("/readiness", {"GET": (readiness.readiness, Action.REPORTS_READ)}),
        _route(
            "/readiness/{county}",
            {"GET": (readiness.county_readiness, Action.REPORTS_READ)},
            COUNTY,
        ),
        _route(
            "/counties/{county}/contact",
            {
                "GET": (contacts.get_contact, Action.REPORTS_READ),
                "PUT": (contacts.set_contact, Action.CONTACTS_WRITE),
                "DELETE": (contacts.remove_contact, Action.CONTACTS_WRITE),
            },
            COUNTY,
        ),
        _route(
            "/courses",
            {
                "GET": (courses.list_courses, Action.COURSES_READ),
                "POST": (courses.add_course, Action.COURSES_WRITE),
            },
        ),
        _route(
            "/courses/{course_id}",
            {
                "GET": (courses.get_course, Action.COURSES_READ),
                "PUT": (courses.change_course, Action.COURSES_WRITE),
            },
        ),
        _route(
            "/learners/unmatched", {"GET": (readiness.unmatched_learners, Action.LEARNERS_READ)}
        ),
        _route("/audit", {"GET": (audit.audit_entries, Action.AUDIT_READ)}),
        *_bridge_routes(),
        _route("/personal-data/extract", {"POST": (personal.extract, Action.PERSONAL_DATA)}),
        _route("/personal-data/erase", {"POST": (personal.erase, Action.PERSONAL_DATA)}),
    ]


def _bridge_routes() -> list[Route]:
    manage = Action.BRIDGE_MANAGE
    return [
        _route(
            "/bridge/sources",
            {"GET": (bridge.list_sources, manage), "POST": (bridge.add_source, manage)},
        ),
        _route(
            "/bridge/sources/{name}",
            {"GET": (bridge.get_source, manage), "DELETE": (bridge.remove_source, manage)},
        ),
        _route("/bridge/sources/{name}/pull", {"POST": (bridge.pull_source, manage)}),
        _route(
            "/bridge/targets",
            {"GET": (bridge.list_targets, manage), "POST": (bridge.add_target, manage)},
        ),
        _route(
            "/bridge/targets/{name}",
            {"GET": (bridge.get_target, manage), "DELETE": (bridge.remove_target, manage)},
        ),
        _route("/bridge/outbox", {"GET": (bridge.outbox, manage)}),
    ]
