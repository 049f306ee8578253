"""``lrs-bridge invite|links``: invitation e-mails with personal launch links, and turning
a participant's links off (issue 14)."""

from __future__ import annotations

import argparse
import json

from lrs_bridge.cli.common import CliError, Commands, add_database, with_services
from lrs_bridge.services import Services
from reports.exports import to_json
from reports.reminding import Preview, outcome_json, person_json


def cmd_invite(args: argparse.Namespace) -> int:
    """Who would be invited, and the e-mail; with --send, send the invitations."""

    async def action(services: Services) -> int:
        desk = services.reminders
        workshop = await services.reports.get_workshop(args.workshop)
        only = args.participant or None
        if only is not None:
            listed = {p.id for p in await services.reports.list_participants(workshop.id)}
            unknown = [p for p in only if p not in listed]
            if unknown:
                raise CliError(f"--participant {unknown[0]}: not on the workshop's list")
        if not args.send:
            preview = await desk.invitation_preview(workshop.id, only=only, again=args.again)
            _print_preview(preview, args.json)
            return 0
        outcome = await desk.invite(workshop.id, only=only, again=args.again)
        await services.audit.record(
            None,
            "invitations.send",
            "workshop",
            workshop.id,
            workshop.county,
            sent=len(outcome.sent),
            failed=len(outcome.failed),
            not_invited=len(outcome.skipped),
            chosen=len(only) if only is not None else None,
            again=args.again or None,
        )
        if args.json:
            print(json.dumps(outcome_json(outcome), ensure_ascii=False))
            return 1 if outcome.failed else 0
        for recipient in outcome.sent:
            print(f"sent     {recipient.name} <{recipient.email}>")
        for recipient, failure in outcome.failed:
            print(f"FAILED   {recipient.name} <{recipient.email}>: {failure}")
        for skipped in outcome.skipped:
            who = skipped.recipient
            print(f"skipped  {who.name} <{who.email}>: {skipped.reason}")
        print(
            f"{len(outcome.sent)} sent, {len(outcome.failed)} failed, "
            f"{len(outcome.skipped)} skipped"
        )
        return 1 if outcome.failed else 0

    return with_services(args, action)


def _print_preview(preview: Preview, as_json: bool) -> None:
    plan = preview.plan
    if as_json:
        print(
            json.dumps(
                {
                    "send": [person_json(r) for r in plan.send],
                    "skipped": [
                        {**person_json(s.recipient), "reason": s.reason} for s in plan.skipped
                    ],
                    "example": to_json(preview.example),
                },
                ensure_ascii=False,
            )
        )
        return
    for recipient in plan.send:
        print(f"would invite  {recipient.name} <{recipient.email}>")
    for skipped in plan.skipped:
        who = skipped.recipient
        print(f"would skip    {who.name} <{who.email}>: {skipped.reason}")
    if preview.example is not None:
        print(f"\n--- the e-mail to {preview.example.to} ---")
        print(f"Subject: {preview.example.subject}\n")
        print(preview.example.body)
    print(
        f"{len(plan.send)} to invite, {len(plan.skipped)} skipped; "
        "nothing was sent (add --send to send)"
    )


def cmd_links_revoke(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        workshop = await services.reports.get_workshop(args.workshop)
        participant = await services.reports.get_participant(workshop.id, args.participant)
        revoked = await services.launch.revoke_participant(participant.id)
        await services.audit.record(
            None,
            "links.revoke",
            "participant",
            participant.id,
            workshop.county,
            revoked=len(revoked),
        )
        print(f"{len(revoked)} links turned off; the next invitation or reminder makes new ones")
        return 0

    return with_services(args, action)


def add_commands(commands: Commands) -> None:
    invite = commands.add_parser(
        "invite",
        help="invite a workshop's participants by e-mail with their personal links",
        description="Show who would be invited (participants who have not finished a "
        "required course, not invited before) and the e-mail; --send sends one e-mail per "
        "person with their personal launch links, the deadline and the county's contact "
        "person, by the reminder rules. Exits 1 if a delivery failed.",
    )
    add_database(invite)
    invite.add_argument("workshop", metavar="WORKSHOP", help="the workshop's id")
    invite.add_argument(
        "--participant",
        metavar="ID",
        action="append",
        help="only this participant (repeat for more), e.g. one added later",
    )
    invite.add_argument("--again", action="store_true", help="also those invited before")
    invite.add_argument("--send", action="store_true", help="send the e-mails")
    invite.add_argument("--json", action="store_true", help="print JSON")
    invite.set_defaults(func=cmd_invite)

    links = commands.add_parser("links", help="participants' personal launch links")
    links_commands = links.add_subparsers(dest="links_command", required=True)
    revoke = links_commands.add_parser(
        "revoke",
        help="turn off every personal link of a participant",
        description="Turn off a participant's personal launch links; the per-learner "
        "credentials they issued stop at once. The next invitation or reminder makes new ones.",
    )
    add_database(revoke)
    revoke.add_argument("workshop", metavar="WORKSHOP", help="the workshop's id")
    revoke.add_argument("participant", metavar="PARTICIPANT", help="the participant's id")
    revoke.set_defaults(func=cmd_links_revoke)
