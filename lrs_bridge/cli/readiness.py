"""``lrs-bridge report|remind|progress|courses``: readiness reports, reminders, the
progress ledger and the courses."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from lrs_bridge.cli.common import CliError, Commands, add_database, print_preview, with_services
from lrs_bridge.services import Services
from reports.exports import FORMATS, to_json
from reports.reminding import outcome_json


def cmd_report(args: argparse.Namespace) -> int:
    chosen = [bool(args.workshop), bool(args.county), bool(args.national)]
    if sum(chosen) != 1:
        raise CliError("name one WORKSHOP id, or --county CODE, or --national")

    async def action(services: Services) -> int:
        reports = services.reports
        if args.workshop:
            report: Any = await reports.workshop_readiness(
                args.workshop, municipality=args.municipality
            )
        elif args.county:
            report = await reports.county_readiness(args.county, municipality=args.municipality)
        else:
            report = await reports.national_readiness()
        exported = reports.export(report, args.format)
        if args.output:
            try:
                await asyncio.to_thread(Path(args.output).write_bytes, exported.content)
            except OSError as error:
                raise CliError(f"--output {args.output}: {error.strerror}") from None
            print(f"wrote {args.output} ({len(exported.content)} bytes)")
        else:
            sys.stdout.buffer.write(exported.content)
            if args.format == "json":
                sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
        return 0

    return with_services(args, action)


def cmd_remind(args: argparse.Namespace) -> int:
    """Who would be reminded of a workshop, and the e-mail; with --send, send it."""

    async def action(services: Services) -> int:
        if args.send:
            return await _send_reminders(services, args)
        preview = await services.reminders.preview(args.workshop, municipality=args.municipality)
        print_preview(preview, args.json, "remind")
        return 0

    return with_services(args, action)


async def _send_reminders(services: Services, args: argparse.Namespace) -> int:
    """Send, record the sending in the audit log, print the outcome; 1 if one failed."""
    outcome = await services.reminders.send(args.workshop, municipality=args.municipality)
    workshop = await services.reports.get_workshop(args.workshop)
    await services.audit.record(
        None,
        "reminders.send",
        "workshop",
        workshop.id,
        workshop.county,
        sent=len(outcome.sent),
        failed=len(outcome.failed),
        skipped=len(outcome.skipped),
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
    print(f"{len(outcome.sent)} sent, {len(outcome.failed)} failed, {len(outcome.skipped)} skipped")
    return 1 if outcome.failed else 0


def cmd_progress_rebuild(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        result = await services.reports.rebuild_progress()
        if args.json:
            print(json.dumps(to_json(result)))
        else:
            print(
                f"progress rebuilt: {result.statements} statements read, "
                f"{result.rows} progress rows, log position {result.through_seq}"
            )
        return 0

    return with_services(args, action)


def _course_line(course: Any) -> str:
    reporters = course.reporters
    trusted = (
        f", trusts {len(reporters.credentials)} credentials and {len(reporters.sources)}"
        " bridge sources"
        if reporters is not None
        else ""
    )
    return (
        f"{course.id}  {course.rule}  {course.name}  ({len(course.activities)} activities{trusted})"
    )


def cmd_courses_list(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        courses = await services.reports.list_courses()
        if args.json:
            print(json.dumps(to_json(courses)))
            return 0
        for course in courses:
            print(_course_line(course))
            for activity in course.activities:
                print(f"    {activity}")
            for key in course.reporters.credentials if course.reporters else ():
                print(f"    trusts credential {key}")
            for name in course.reporters.sources if course.reporters else ():
                print(f"    trusts bridge source {name}")
        return 0

    return with_services(args, action)


def _course_data(args: argparse.Namespace, base: dict[str, Any]) -> dict[str, Any]:
    data = dict(base)
    for flag, name in (
        ("name", "name"),
        ("rule", "rule"),
        ("url", "url"),
        ("launch_kind", "launch_kind"),
    ):
        if getattr(args, flag) is not None:
            data[name] = getattr(args, flag)
    if args.description is not None:
        data["description"] = args.description
    if args.activity:
        data["activities"] = list(args.activity)
    if args.trust_nothing or args.trust_credential or args.trust_source:
        reporters = dict(data.get("reporters") or {})
        if args.trust_nothing:
            reporters = {"credentials": [], "sources": []}
        if args.trust_credential:
            reporters["credentials"] = list(args.trust_credential)
        if args.trust_source:
            reporters["sources"] = list(args.trust_source)
        data["reporters"] = reporters
    return data


def cmd_courses_add(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        data = _course_data(args, {"id": args.id} if args.id else {})
        course = await services.reports.add_course(data)
        print(json.dumps(to_json(course)) if args.json else f"added {_course_line(course)}")
        return 0

    return with_services(args, action)


def cmd_courses_change(args: argparse.Namespace) -> int:
    async def action(services: Services) -> int:
        reports = services.reports
        current = to_json(await reports.get_course(args.course))
        del current["id"]
        course = await reports.change_course(args.course, _course_data(args, current))
        print(json.dumps(to_json(course)) if args.json else f"changed {_course_line(course)}")
        return 0

    return with_services(args, action)


def _course_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--activity",
        action="append",
        metavar="IRI",
        help="an activity IRI of the course; repeat for several (all_of: in step order)",
    )
    parser.add_argument(
        "--rule",
        choices=["any_of", "all_of"],
        help="any_of: a completion of any activity completes the course; "
        "all_of: every activity (step) must be completed",
    )
    parser.add_argument("--url", help="where learners start the course (for reminder e-mails)")
    parser.add_argument(
        "--launch-kind",
        choices=["xapi", "cmi5", "link"],
        help="how a personal link starts the course: xapi (a per-learner credential in the "
        "URL), cmi5, or link (a page naming the e-mail address to use, then the URL)",
    )
    parser.add_argument("--description", help="a line about the course")
    parser.add_argument(
        "--trust-credential",
        action="append",
        metavar="KEY",
        help="an xAPI credential whose statements count for the course (its own key, for a "
        "package that cannot be launched); repeat for several; replaces the list",
    )
    parser.add_argument(
        "--trust-source",
        action="append",
        metavar="NAME",
        help="a bridge source whose statements count for the course; repeat for several; "
        "replaces the list",
    )
    parser.add_argument(
        "--trust-nothing",
        action="store_true",
        help="count only statements the service writes itself (clears both lists first)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_commands(commands: Commands) -> None:
    _add_report(commands)
    _add_remind(commands)
    _add_progress(commands)
    _add_courses(commands)


def _add_report(commands: Commands) -> None:
    report = commands.add_parser(
        "report",
        help="readiness report of a workshop (or a county, or the nation)",
        description="Which participants have completed the required courses before the "
        "deadline. The progress ledger is caught up with the statement log first.",
    )
    add_database(report)
    report.add_argument("workshop", nargs="?", metavar="WORKSHOP", help="the workshop's id")
    report.add_argument("--county", metavar="CODE", help="all workshops of a county, e.g. 21")
    report.add_argument("--national", action="store_true", help="every county side by side")
    report.add_argument(
        "--municipality", metavar="CODE", help="only participants of one municipality, e.g. 2180"
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json (default), csv (for Swedish Excel: UTF-8 BOM, ';', CRLF) or xlsx",
    )
    report.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    report.set_defaults(func=cmd_report)


def _add_remind(commands: Commands) -> None:
    remind = commands.add_parser(
        "remind",
        help="remind a workshop's participants who have not finished",
        description="Show who would be reminded by e-mail (not completed, not reminded "
        "within LRS_BRIDGE_REMINDER_WINDOW_HOURS) and the e-mail itself; --send sends "
        "one e-mail per person over SMTP (LRS_BRIDGE_SMTP_*). Exits 1 if a delivery failed.",
    )
    add_database(remind)
    remind.add_argument("workshop", metavar="WORKSHOP", help="the workshop's id")
    remind.add_argument(
        "--municipality", metavar="CODE", help="only participants of one municipality"
    )
    remind.add_argument("--send", action="store_true", help="send the e-mails")
    remind.add_argument("--json", action="store_true", help="print JSON")
    remind.set_defaults(func=cmd_remind)


def _add_progress(commands: Commands) -> None:
    progress = commands.add_parser("progress", help="the progress ledger")
    progress_commands = progress.add_subparsers(dest="progress_command", required=True)
    rebuild = progress_commands.add_parser(
        "rebuild",
        help="rebuild the progress ledger from the statement log",
        description="Empty the progress ledger and project the whole statement log again, "
        "in order. Safe while the server runs: its projector continues from the rebuilt one.",
    )
    add_database(rebuild)
    rebuild.add_argument("--json", action="store_true", help="print JSON")
    rebuild.set_defaults(func=cmd_progress_rebuild)


def _add_courses(commands: Commands) -> None:
    courses = commands.add_parser("courses", help="courses and their completion rules")
    course_commands = courses.add_subparsers(dest="courses_command", required=True)
    listing = course_commands.add_parser("list", help="list courses and their activities")
    add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_courses_list)
    add = course_commands.add_parser(
        "add",
        help="add a course",
        description="Add a course; its history in the statement log counts at once.",
    )
    add_database(add)
    add.add_argument("--id", help="short id, a-z 0-9 and '-' (default: from the name)")
    add.add_argument("--name", required=True, help="the course's name")
    _course_flags(add)
    add.set_defaults(func=cmd_courses_add)
    change = course_commands.add_parser(
        "change",
        help="change a course",
        description="Change the flags given and keep the rest (--activity replaces the "
        "whole list). Progress for the course is recomputed from the statement log.",
    )
    add_database(change)
    change.add_argument("course", metavar="COURSE", help="the course's id")
    change.add_argument("--name", help="a new name")
    _course_flags(change)
    change.set_defaults(func=cmd_courses_change)
