"""cmi5 course structures and zip packages made by the tests."""

from __future__ import annotations

import io
import zipfile

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
COURSE_ID = "https://kurser.example.se/cmi5/valsakerhet"


def au(
    number: int,
    url: str,
    *,
    move_on: str | None = "CompletedAndPassed",
    mastery: str | None = "0.8",
    extra: str = "",
    launch_parameters: str | None = None,
) -> str:
    attrs = f' id="{COURSE_ID}/au/{number}"'
    if move_on is not None:
        attrs += f' moveOn="{move_on}"'
    if mastery is not None:
        attrs += f' masteryScore="{mastery}"'
    params = (
        f"<launchParameters>{launch_parameters}</launchParameters>" if launch_parameters else ""
    )
    return (
        f'<au{attrs}{extra}><title><langstring lang="sv-SE">Del {number}</langstring></title>'
        f'<description><langstring lang="sv-SE">Delmoment {number}</langstring></description>'
        f"<url>{url}</url>{params}</au>"
    )


def block(number: int, *members: str) -> str:
    return (
        f'<block id="{COURSE_ID}/block/{number}"><title><langstring lang="sv">Block {number}'
        f'</langstring></title><description><langstring lang="sv">Block</langstring>'
        f"</description>{''.join(members)}</block>"
    )


def structure(*members: str, course_id: str = COURSE_ID) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<courseStructure xmlns="{NS}">'
        f'<course id="{course_id}"><title><langstring lang="sv-SE">Valsäkerhet cmi5'
        f'</langstring><langstring lang="en-US">Election security cmi5</langstring></title>'
        f'<description><langstring lang="sv-SE">En kurs</langstring></description></course>'
        f"{''.join(members)}</courseStructure>"
    ).encode()


def package(xml: bytes, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cmi5.xml", xml)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
