"""Every ``/api/v1`` route with the action each method needs and the locator of the object
its path names: the table ``people_guarded`` enforces and
``tests/lrs_bridge/test_api_access.py`` walks with every kind of person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lrs_bridge.auth.access import Action, Principal
from lrs_bridge.auth.scopes import Permission
from lrs_bridge.gate import COUNTY, PARTICIPANT, PERSON, WORKSHOP, Locator
from lrs_bridge.http.api import (
    administration,
    audit,
    bridge,
    cmi5,
    contacts,
    courses,
    invitations,
    people,
    personal,
    readiness,
    reminders,
    statements,
    workshops,
)
from lrs_bridge.http.guard import people_guarded, people_or_client_guarded

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
        *_administration_routes(),
        _route(
            "/workshops/{workshop_id}/participants/{participant_id}/cmi5/{course_id}/waiver",
            {"POST": (cmi5.waive, Action.PARTICIPANTS_WRITE)},
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
        *_launch_routes(),
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
        _route("/cmi5/courses", {"POST": (cmi5.import_course, Action.COURSES_WRITE)}),
        _route("/cmi5/courses/{course_id}", {"GET": (cmi5.get_course, Action.COURSES_READ)}),
        _route(
            "/learners/unmatched", {"GET": (readiness.unmatched_learners, Action.LEARNERS_READ)}
        ),
        _route("/audit", {"GET": (audit.audit_entries, Action.AUDIT_READ)}),
        *_statement_routes(),
        *_bridge_routes(),
        _route("/personal-data/extract", {"POST": (personal.extract, Action.PERSONAL_DATA)}),
        _route("/personal-data/erase", {"POST": (personal.erase, Action.PERSONAL_DATA)}),
        *_people_routes(),
    ]


def _people_routes() -> list[Route]:
    """Issue 15: people, one's own account, xAPI credentials."""
    manage, own, keys = Action.PEOPLE_MANAGE, Action.ACCOUNT, Action.CREDENTIALS_MANAGE
    return [
        _route(
            "/people",
            {"GET": (people.list_people, manage), "POST": (people.create_person, manage)},
        ),
        _route(
            "/people/{user_id}",
            {"GET": (people.get_person, manage), "PATCH": (people.change_person, manage)},
            PERSON,
        ),
        _route(
            "/people/{user_id}/password-link",
            {"POST": (people.send_password_link, manage)},
            PERSON,
        ),
        _route("/me", {"GET": (people.me, own)}),
        _route("/me/password", {"PUT": (people.change_my_password, own)}),
        _route(
            "/me/tokens",
            {"GET": (people.my_tokens, own), "POST": (people.create_my_token, own)},
        ),
        _route("/me/tokens/{token_id}", {"DELETE": (people.revoke_my_token, own)}),
        _route(
            "/credentials",
            {"GET": (people.list_credentials, keys), "POST": (people.create_credential, keys)},
        ),
        _route(
            "/credentials/{key}",
            {"GET": (people.get_credential, keys), "DELETE": (people.revoke_credential, keys)},
        ),
    ]


def _statement_routes() -> list[Route]:
    """National admins read every statement; an xAPI credential's owner (HTTP Basic) only
    those their credential stored (``lrs_bridge.http.api.statements``)."""
    people = {"GET": Action.STATEMENTS_READ}
    clients = {"GET": Permission.STATEMENTS_READ}
    return [
        Route(
            PREFIX + "/statements",
            people_or_client_guarded(
                statements.search_statements, people, statements.search_own_statements, clients
            ),
            methods=["GET", "HEAD"],
        ),
        Route(
            PREFIX + "/statements/export",
            people_or_client_guarded(
                statements.export_statements, people, statements.export_own_statements, clients
            ),
            methods=["GET", "HEAD"],
        ),
    ]


def _launch_routes() -> list[Route]:
    """Invitations and personal launch links (issue 14)."""
    return [
        _route(
            "/workshops/{workshop_id}/invitations",
            {
                "GET": (invitations.preview_invitations, Action.REMINDERS_SEND),
                "POST": (invitations.send_invitations, Action.REMINDERS_SEND),
            },
            WORKSHOP,
        ),
        _route(
            "/workshops/{workshop_id}/participants/{participant_id}/links",
            {
                "GET": (invitations.participant_links, Action.PARTICIPANTS_READ),
                "DELETE": (invitations.revoke_links, Action.PARTICIPANTS_WRITE),
            },
            PARTICIPANT,
        ),
    ]


def _administration_routes() -> list[Route]:
    """Issue 15: requirements per role, a participant's exemptions and connected learner
    identities."""
    read, write = Action.PARTICIPANTS_READ, Action.PARTICIPANTS_WRITE
    base = "/workshops/{workshop_id}/participants/{participant_id}"
    return [
        _route(
            "/workshops/{workshop_id}/requirements",
            {
                "GET": (administration.get_requirements, Action.WORKSHOPS_READ),
                "PUT": (administration.set_requirements, Action.WORKSHOPS_WRITE),
            },
            WORKSHOP,
        ),
        _route(
            base + "/exemptions",
            {
                "GET": (administration.list_exemptions, read),
                "POST": (administration.exempt, write),
            },
            PARTICIPANT,
        ),
        _route(
            base + "/exemptions/{course_id}",
            {"DELETE": (administration.unexempt, write)},
            PARTICIPANT,
        ),
        _route(
            base + "/identities",
            {
                "GET": (administration.list_identities, read),
                "POST": (administration.connect, write),
                "DELETE": (administration.disconnect, write),
            },
            PARTICIPANT,
        ),
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
