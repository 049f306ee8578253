"""The texts of the readiness domain — e-mails, exports, upload checks, dates — in one
catalogue, Swedish first and English second, so that it can be reviewed and translated in
one place. The web pages have their own catalogue (``lrs_bridge.web.texts``).

Texts are ``str.format`` templates; ``text(key, language, **values)`` fills one in.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

CATALOGUE: dict[str, dict[str, str]] = {
    "reminder.subject": {
        "sv": "Påminnelse: genomför {course} före {deadline}",
        "en": "Reminder: complete {course} before {deadline}",
    },
    "reminder.body": {
        "sv": (
            "Hej {name}!\n\n"
            "Du är anmäld till {workshop} den {workshop_date}. Innan workshoppen behöver du "
            "genomföra utbildningen {course}. Vi har ännu inte sett att du har slutfört den.\n\n"
            "Genomför utbildningen senast {deadline}:\n{course_url}\n\n"
            "Har du redan slutfört den med en annan e-postadress? Kontakta då din "
            "samordnare på länsstyrelsen.\n\n"
            "Vänliga hälsningar\n{sender}\n"
        ),
        "en": (
            "Hello {name},\n\n"
            "You are registered for {workshop} on {workshop_date}. Before the workshop you "
            "need to complete the course {course}. We have not yet seen that you finished "
            "it.\n\n"
            "Please complete the course by {deadline}:\n{course_url}\n\n"
            "Did you already complete it with another e-mail address? Then contact your "
            "coordinator at the county administrative board.\n\n"
            "Kind regards\n{sender}\n"
        ),
    },
    "reminder.skipped.recent": {
        "sv": "påmind {when}, inom {hours} timmar",
        "en": "reminded {when}, within {hours} hours",
    },
    "reminder.skipped.no_email": {
        "sv": "saknar e-postadress",
        "en": "has no e-mail address",
    },
    "reminder.default_sender": {
        "sv": "Valsäkerhetsutbildningen",
        "en": "The election-security training",
    },
    "export.status.completed_on_time": {
        "sv": "Klar i tid",
        "en": "Completed on time",
    },
    "export.status.completed_late": {
        "sv": "Klar efter deadline",
        "en": "Completed late",
    },
    "export.status.in_progress": {
        "sv": "Påbörjad",
        "en": "In progress",
    },
    "export.status.not_started": {
        "sv": "Ej påbörjad",
        "en": "Not started",
    },
    "export.role.other": {
        "sv": "övrig",
        "en": "other",
    },
    "export.column.name": {
        "sv": "Namn",
        "en": "Name",
    },
    "export.column.email": {
        "sv": "E-post",
        "en": "E-mail",
    },
    "export.column.municipality_code": {
        "sv": "Kommunkod",
        "en": "Municipality code",
    },
    "export.column.municipality": {
        "sv": "Kommun",
        "en": "Municipality",
    },
    "export.column.role": {
        "sv": "Roll",
        "en": "Role",
    },
    "export.column.status": {
        "sv": "Status",
        "en": "Status",
    },
    "export.column.completed_at": {
        "sv": "Klar",
        "en": "Completed",
    },
    "export.column.progress": {
        "sv": "Framsteg (%)",
        "en": "Progress (%)",
    },
    "export.column.last_activity": {
        "sv": "Senaste aktivitet",
        "en": "Last activity",
    },
    "export.column.course_status": {
        "sv": "{course}: status",
        "en": "{course}: status",
    },
    "export.column.course_completed_at": {
        "sv": "{course}: klar",
        "en": "{course}: completed",
    },
    "export.column.course_steps": {
        "sv": "{course}: steg klara",
        "en": "{course}: steps done",
    },
    "export.column.through": {
        "sv": "Underlag t.o.m.",
        "en": "Data through",
    },
    "export.column.workshop": {
        "sv": "Workshop",
        "en": "Workshop",
    },
    "export.column.date": {
        "sv": "Datum",
        "en": "Date",
    },
    "export.column.deadline": {
        "sv": "Deadline",
        "en": "Deadline",
    },
    "export.column.participants": {
        "sv": "Deltagare",
        "en": "Participants",
    },
    "export.column.county_code": {
        "sv": "Länskod",
        "en": "County code",
    },
    "export.column.county": {
        "sv": "Län",
        "en": "County",
    },
    "export.column.workshops": {
        "sv": "Workshoppar",
        "en": "Workshops",
    },
    "export.sheet.participants": {
        "sv": "Deltagare",
        "en": "Participants",
    },
    "export.sheet.summary": {
        "sv": "Sammanfattning",
        "en": "Summary",
    },
    "export.sheet.workshops": {
        "sv": "Workshoppar",
        "en": "Workshops",
    },
    "export.sheet.municipalities": {
        "sv": "Kommuner",
        "en": "Municipalities",
    },
    "export.sheet.counties": {
        "sv": "Län",
        "en": "Counties",
    },
    "export.summary.computed_at": {
        "sv": "Sammanställd",
        "en": "Computed",
    },
    "export.summary.total": {
        "sv": "Totalt",
        "en": "Total",
    },
    "export.summary.nation": {
        "sv": "Hela landet",
        "en": "The whole country",
    },
    "export.summary.no_statements": {
        "sv": "inga utbildningsdata ännu",
        "en": "no learning data yet",
    },
    "upload.xlsx_members": {
        "sv": "Excelfilen består av fler än {limit} delar, fler än en deltagarlista har",
        "en": "the Excel file has more than {limit} parts, more than a participant list has",
    },
    "upload.xlsx_part": {
        "sv": (
            "Excelfilen innehåller en del som en deltagarlista inte ska ha ({part}): makron, "
            "externa länkar och inbäddade objekt tas inte emot. Spara listan som en vanlig "
            "Excelarbetsbok (.xlsx) eller som CSV"
        ),
        "en": (
            "the Excel file contains a part a participant list must not have ({part}): macros, "
            "external links and embedded objects are refused. Save the list as a plain Excel "
            "workbook (.xlsx) or as CSV"
        ),
    },
    "upload.xlsx_member_size": {
        "sv": "En del av Excelfilen ({part}) packas upp till mer än {limit} MB",
        "en": "a part of the Excel file ({part}) unpacks to more than {limit} MB",
    },
    "upload.xlsx_total_size": {
        "sv": "Excelfilen packas upp till mer än {limit} MB",
        "en": "the Excel file unpacks to more than {limit} MB",
    },
    "upload.xlsx_ratio": {
        "sv": (
            "En del av Excelfilen ({part}) är packad mer än {limit} gånger, vilket en "
            "deltagarlista aldrig är"
        ),
        "en": (
            "a part of the Excel file ({part}) is compressed more than {limit} times, which a "
            "participant list never is"
        ),
    },
}

_MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    entry = CATALOGUE[key]
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return template.format(**values)


def long_date(day: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """'18 januari 2026' / '18 January 2026' (a date or a datetime)."""
    months = _MONTHS_SV if language == "sv" else _MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def long_datetime(moment: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """'17 januari 2026 kl. 23:59' / '17 January 2026 at 23:59' (local time given)."""
    joiner = "kl." if language == "sv" else "at"
    return f"{long_date(moment, language)} {joiner} {moment:%H:%M}"
