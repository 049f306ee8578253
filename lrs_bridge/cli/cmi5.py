"""``lrs-bridge cmi5 import``: import a cmi5 course structure (``cmi5.xml``) or a zip
package with one as a course (the operator's counterpart of ``POST /api/v1/cmi5/courses``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lrs_bridge.cli.common import CliError, Commands, add_database, with_services
from lrs_bridge.cmi5.structure import MAX_PACKAGE_BYTES
from lrs_bridge.services import Services


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.package)
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise CliError(f"{path}: larger than {MAX_PACKAGE_BYTES} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read it: {error.strerror}") from None

    async def action(services: Services) -> int:
        course = await services.cmi5.import_package(data, args.id)
        await services.audit.record(
            None,
            "course.import_cmi5",
            "course",
            course.course_id,
            None,
            aus=len(course.structure.aus),
            packaged=course.packaged,
        )
        described = services.cmi5.describe(course)
        if args.json:
            print(json.dumps(described))
        else:
            print(
                f"imported {course.course_id}: {len(course.structure.aus)} AU(s),"
                f" {len(course.structure.blocks)} block(s)"
                + (", files served by the service" if course.packaged else "")
            )
        return 0

    return with_services(args, action)


def add_commands(commands: Commands) -> None:
    group = commands.add_parser("cmi5", help="cmi5 courses")
    sub = group.add_subparsers(dest="cmi5_command", required=True)
    imported = sub.add_parser(
        "import", help="import a cmi5.xml or a zip package with one as a course"
    )
    imported.add_argument("package", help="the cmi5.xml or zip file")
    imported.add_argument("--id", help="the course's id (default: from its title)")
    imported.add_argument("--json", action="store_true", help="print the course as JSON")
    add_database(imported)
    imported.set_defaults(func=cmd_import)
