"""Every text of the web pages, in one catalogue, Swedish first and English second, so that
it can be reviewed and translated in one place. The texts of e-mails, exports and the
readiness domain are in ``reports.texts``; this catalogue is the web layer's own.

Texts are ``str.format`` templates; ``text(key, language, **values)`` fills one in. A text
that counts has a singular form too (``"sv.one"``, ``"en.one"``), used when ``count`` is 1:
"1 påminnelse", "2 påminnelser".
"""

from __future__ import annotations

from typing import Any

from reports.texts import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["CATALOGUE", "DEFAULT_LANGUAGE", "LANGUAGES", "text"]

CATALOGUE: dict[str, dict[str, str]] = {
    "web.app_name": {
        "sv": "Valsäkerhetsutbildningen – uppföljning",
        "en": "Election-security training – follow-up",
    },
    "web.skip_to_main": {
        "sv": "Hoppa till huvudinnehållet",
        "en": "Skip to main content",
    },
    "web.logout": {
        "sv": "Logga ut",
        "en": "Log out",
    },
    "web.nav.label": {
        "sv": "Huvudmeny",
        "en": "Main menu",
    },
    "web.nav.overview": {
        "sv": "Översikt",
        "en": "Overview",
    },
    "web.nav.courses": {
        "sv": "Kurser",
        "en": "Courses",
    },
    "web.nav.learners": {
        "sv": "Utbildningsdata utan deltagare",
        "en": "Unmatched learners",
    },
    "web.nav.audit": {
        "sv": "Händelselogg",
        "en": "Audit log",
    },
    "web.none": {
        "sv": "Inga uppgifter.",
        "en": "Nothing here.",
    },
    "web.yes": {
        "sv": "Ja",
        "en": "Yes",
    },
    "web.no": {
        "sv": "Nej",
        "en": "No",
    },
    "web.fresh": {
        "sv": "Uppdaterad {computed}, med utbildningsdata till och med {when}.",
        "en": "Based on learning data up to {when} (computed {computed}).",
    },
    "web.fresh_none": {
        "sv": "Inga utbildningsdata har kommit in ännu.",
        "en": "No learning data has arrived yet.",
    },
    "web.status.completed_on_time": {
        "sv": "Klar i tid",
        "en": "Completed on time",
    },
    "web.status.completed_late": {
        "sv": "Klar efter sista dag",
        "en": "Completed late",
    },
    "web.status.in_progress": {
        "sv": "Påbörjad",
        "en": "In progress",
    },
    "web.status.not_started": {
        "sv": "Inte påbörjad",
        "en": "Not started",
    },
    "web.sort.municipality": {
        "sv": "Kommun",
        "en": "Municipality",
    },
    "web.sort.name": {
        "sv": "Namn",
        "en": "Name",
    },
    "web.sort.status": {
        "sv": "Status",
        "en": "Status",
    },
    "web.sort.completed": {
        "sv": "När deltagaren blev klar",
        "en": "Completed (time)",
    },
    "web.col.status": {
        "sv": "Status",
        "en": "Status",
    },
    "web.col.count": {
        "sv": "Antal",
        "en": "Number",
    },
    "web.col.total": {
        "sv": "Totalt",
        "en": "Total",
    },
    "web.col.done_percent": {
        "sv": "Klara",
        "en": "Completed",
    },
    "web.col.county": {
        "sv": "Län",
        "en": "County",
    },
    "web.col.municipality": {
        "sv": "Kommun",
        "en": "Municipality",
    },
    "web.col.workshop": {
        "sv": "Workshop",
        "en": "Workshop",
    },
    "web.col.date": {
        "sv": "Datum",
        "en": "Date",
    },
    "web.col.deadline": {
        "sv": "Sista dag",
        "en": "Deadline",
    },
    "web.col.name": {
        "sv": "Namn",
        "en": "Name",
    },
    "web.col.email": {
        "sv": "E-post",
        "en": "E-mail",
    },
    "web.col.role": {
        "sv": "Roll",
        "en": "Role",
    },
    "web.col.completed": {
        "sv": "Klar",
        "en": "Completed",
    },
    "web.col.progress": {
        "sv": "Framsteg",
        "en": "Progress",
    },
    "web.col.last_activity": {
        "sv": "Senaste aktivitet",
        "en": "Last activity",
    },
    "web.col.day": {
        "sv": "Dag",
        "en": "Day",
    },
    "web.col.completed_that_day": {
        "sv": "Klara den dagen",
        "en": "Completed that day",
    },
    "web.col.completed_so_far": {
        "sv": "Klara hittills",
        "en": "Completed so far",
    },
    "web.col.line": {
        "sv": "Rad",
        "en": "Line",
    },
    "web.col.column": {
        "sv": "Kolumn",
        "en": "Column",
    },
    "web.col.problem": {
        "sv": "Fel",
        "en": "Problem",
    },
    "web.col.course": {
        "sv": "Kurs",
        "en": "Course",
    },
    "web.col.reason": {
        "sv": "Skäl",
        "en": "Reason",
    },
    "web.col.when": {
        "sv": "När",
        "en": "When",
    },
    "web.col.kind": {
        "sv": "Typ",
        "en": "Kind",
    },
    "web.col.note": {
        "sv": "Anmärkning",
        "en": "Note",
    },
    "web.hint.date": {
        "sv": "ÅÅÅÅ-MM-DD",
        "en": "YYYY-MM-DD",
    },
    "web.hint.deadline": {
        "sv": "valfri, ÅÅÅÅ-MM-DD TT:MM; annars kl. 23.59 dagen före",
        "en": "optional, YYYY-MM-DD HH:MM; otherwise 23:59 the day before",
    },
    "web.chart.see_table": {
        "sv": "Samma siffror finns i tabellen nedan.",
        "en": "The same numbers are in the table below.",
    },
    "web.chart.bar_row": {
        "sv": "{label}: {done} av {total} klara ({percent} %).",
        "en": "{label}: {done} of {total} completed ({percent}%).",
    },
    "web.chart.deadline": {
        "sv": "Sista dag",
        "en": "Deadline",
    },
    "web.chart.over_time_desc": {
        "sv": (
            "{done} av {total} deltagare är klara, {by_deadline} av dem senast sista dagen "
            "{deadline}."
        ),
        "en": (
            "{done} of {total} participants have completed, {by_deadline} of them by the deadline "
            "{deadline}."
        ),
    },
    "web.error.home": {
        "sv": "Till startsidan",
        "en": "To the start page",
    },
    "web.error.method": {
        "sv": "Det går inte att göra så här",
        "en": "That cannot be done here",
    },
    "web.error.bad_form": {
        "sv": "Formuläret kunde inte läsas",
        "en": "The form could not be read",
    },
    "web.error.too_large": {
        "sv": "Det du skickade är för stort",
        "en": "What you sent is too large",
    },
    "web.error.form_type": {
        "sv": "Formuläret skickades på ett sätt som sidan inte tar emot",
        "en": "The form was sent in a way this page does not accept",
    },
    "web.error.csrf": {
        "sv": "Formuläret har gått ut",
        "en": "The form has expired",
    },
    "web.error.csrf_help": {
        "sv": (
            "Av säkerhetsskäl gäller ett formulär bara en begränsad tid. Gå tillbaka, ladda om "
            "sidan och försök igen."
        ),
        "en": (
            "For security, a form is valid for a limited time only. Go back, reload the page and "
            "try again."
        ),
    },
    "web.error.forbidden": {
        "sv": "Du har inte behörighet till den här sidan",
        "en": "You may not use this page",
    },
    "web.error.not_found": {
        "sv": "Sidan finns inte",
        "en": "Page not found",
    },
    "web.login.title": {
        "sv": "Logga in",
        "en": "Log in",
    },
    "web.login.email": {
        "sv": "E-postadress",
        "en": "E-mail address",
    },
    "web.login.password": {
        "sv": "Lösenord",
        "en": "Password",
    },
    "web.login.submit": {
        "sv": "Logga in",
        "en": "Log in",
    },
    "web.login.failed": {
        "sv": "Fel e-postadress eller lösenord.",
        "en": "Wrong e-mail address or password.",
    },
    "web.login.throttled": {
        "sv": "För många misslyckade inloggningar. Försök igen om {count} minuter.",
        "en": "Too many failed log-ins. Try again in {count} minutes.",
        "sv.one": "För många misslyckade inloggningar. Försök igen om {count} minut.",
        "en.one": "Too many failed log-ins. Try again in {count} minute.",
    },
    "web.login.bye": {
        "sv": "Du är utloggad.",
        "en": "You are logged out.",
    },
    "web.login.help": {
        "sv": (
            "Har du inget konto eller har du glömt lösenordet? Kontakta den som administrerar "
            "tjänsten på länsstyrelsen eller Valmyndigheten."
        ),
        "en": (
            "No account, or forgot your password? Contact the service's administrator at the "
            "county administrative board or the Election Authority."
        ),
    },
    "web.nation.title": {
        "sv": "Hela landet",
        "en": "The whole country",
    },
    "web.nation.totals": {
        "sv": "Deltagare i hela landet efter status",
        "en": "Participants in the whole country by status",
    },
    "web.nation.chart_title": {
        "sv": "Andel klara per län",
        "en": "Share completed per county",
    },
    "web.nation.table": {
        "sv": "Deltagare per län efter status",
        "en": "Participants per county by status",
    },
    "web.nation.workshops": {
        "sv": "{count} workshoppar",
        "en": "{count} workshops",
        "sv.one": "{count} workshop",
        "en.one": "{count} workshop",
    },
    "web.county.title": {
        "sv": "{county}",
        "en": "{county}",
    },
    "web.county.totals": {
        "sv": "Deltagare i länet efter status",
        "en": "Participants in the county by status",
    },
    "web.county.workshops": {
        "sv": "Workshoppar",
        "en": "Workshops",
    },
    "web.county.workshops_caption": {
        "sv": "Workshoppar i {county} efter status",
        "en": "Workshops in {county} by status",
    },
    "web.county.no_workshops": {
        "sv": "Inga workshoppar ännu.",
        "en": "No workshops yet.",
    },
    "web.county.municipalities": {
        "sv": "Andel klara per kommun",
        "en": "Share completed per municipality",
    },
    "web.county.chart_title": {
        "sv": "Andel klara per kommun i {county}",
        "en": "Share completed per municipality in {county}",
    },
    "web.county.municipalities_caption": {
        "sv": "Deltagare per kommun efter status",
        "en": "Participants per municipality by status",
    },
    "web.county.new_workshop": {
        "sv": "Ny workshop",
        "en": "New workshop",
    },
    "web.county.courses": {
        "sv": "Utbildningar som krävs",
        "en": "Required courses",
    },
    "web.county.create": {
        "sv": "Skapa workshop",
        "en": "Create workshop",
    },
    "web.workshop.courses": {
        "sv": "Utbildningar som krävs",
        "en": "Required courses",
    },
    "web.workshop.only_municipality": {
        "sv": "bara din kommuns deltagare visas",
        "en": "only your municipality's participants are shown",
    },
    "web.workshop.download_csv": {
        "sv": "CSV-fil (för andra program)",
        "en": "CSV file (for other programs)",
    },
    "web.workshop.download_xlsx": {
        "sv": "Excel-fil (.xlsx)",
        "en": "Excel file (.xlsx)",
    },
    "web.workshop.upload": {
        "sv": "Ladda upp deltagarlista",
        "en": "Upload participant list",
    },
    "web.workshop.reminders": {
        "sv": "Påminnelser",
        "en": "Reminders",
    },
    "web.workshop.totals": {
        "sv": "Deltagare efter status",
        "en": "Participants by status",
    },
    "web.workshop.participants": {
        "sv": "Deltagare",
        "en": "Participants",
    },
    "web.workshop.search": {
        "sv": "Sök namn, e-post eller kommun",
        "en": "Search name, e-mail or municipality",
    },
    "web.workshop.all_statuses": {
        "sv": "Alla",
        "en": "All",
    },
    "web.workshop.sort": {
        "sv": "Sortera efter",
        "en": "Sort by",
    },
    "web.workshop.filter": {
        "sv": "Visa",
        "en": "Show",
    },
    "web.workshop.showing": {
        "sv": "Visar {shown} av {total} deltagare.",
        "en": "Showing {shown} of {total} participants.",
    },
    "web.workshop.participants_caption": {
        "sv": "Deltagare i {title}",
        "en": "Participants of {title}",
    },
    "web.workshop.bars_title": {
        "sv": "Andel klara per kommun",
        "en": "Share completed per municipality",
    },
    "web.workshop.time_title": {
        "sv": "Klara deltagare över tid",
        "en": "Completions over time",
    },
    "web.workshop.time_caption": {
        "sv": "Klara deltagare per dag",
        "en": "Completions per day",
    },
    "web.workshop.no_completions": {
        "sv": "Ingen är klar ännu.",
        "en": "No one has completed yet.",
    },
    "web.upload.title": {
        "sv": "Ladda upp deltagarlista",
        "en": "Upload participant list",
    },
    "web.upload.choose": {
        "sv": "Välj fil",
        "en": "Choose a file",
    },
    "web.upload.help": {
        "sv": (
            "En CSV-fil (komma eller semikolon, som Excel sparar den) eller en Excel-fil med "
            "kolumnerna Namn, E-post, Kommun (namn eller kod) och Roll, och vid behov "
            "användarnamn i lärplattformen (om deltagaren inte loggar in med e-post). Listan "
            "ersätter den nuvarande. Du ser först vad som ändras; inget sparas förrän du "
            "bekräftar."
        ),
        "en": (
            "A CSV file (comma or semicolon, as Excel saves it) or an Excel file with the columns "
            "Name, E-mail, Municipality (name or code) and Role, and if needed account home page "
            "and account name. The list replaces the current one. You first see what changes; "
            "nothing is saved until you confirm."
        ),
    },
    "web.upload.file": {
        "sv": "Deltagarlista (CSV eller Excel)",
        "en": "Participant list (CSV or Excel)",
    },
    "web.upload.check": {
        "sv": "Granska listan",
        "en": "Check the list",
    },
    "web.upload.no_file": {
        "sv": "Välj en fil att ladda upp.",
        "en": "Choose a file to upload.",
    },
    "web.upload.rejected": {
        "sv": "Listan har {count} fel och sparades inte",
        "en": "The list has {count} problems and was not saved",
        "sv.one": "Listan har {count} fel och sparades inte",
        "en.one": "The list has {count} problem and was not saved",
    },
    "web.upload.rejected_help": {
        "sv": "Rätta raderna nedan i filen och ladda upp den igen. Inget har ändrats.",
        "en": "Correct the rows below in the file and upload it again. Nothing has changed.",
    },
    "web.upload.problems_caption": {
        "sv": "Fel i {filename}",
        "en": "Problems in {filename}",
    },
    "web.upload.preview": {
        "sv": "Förhandsgranskning",
        "en": "Preview",
    },
    "web.upload.preview_help": {
        "sv": "Filen har {rows} deltagare och inga fel. Så här ändras listan om du sparar:",
        "en": (
            "The file has {rows} participants and no problems. This is how the list changes if "
            "you save:"
        ),
    },
    "web.upload.saved": {
        "sv": "Listan är sparad",
        "en": "The list is saved",
    },
    "web.upload.saved_help": {
        "sv": "Deltagarlistan har nu {rows} deltagare.",
        "en": "The participant list now has {rows} participants.",
    },
    "web.upload.added": {
        "sv": "{count} nya",
        "en": "{count} added",
        "sv.one": "{count} ny",
        "en.one": "{count} added",
    },
    "web.upload.changed": {
        "sv": "{count} ändrade",
        "en": "{count} changed",
        "sv.one": "{count} ändrad",
        "en.one": "{count} changed",
    },
    "web.upload.removed": {
        "sv": "{count} tas bort",
        "en": "{count} removed",
        "sv.one": "{count} tas bort",
        "en.one": "{count} removed",
    },
    "web.upload.unchanged": {
        "sv": "{count} oförändrade",
        "en": "{count} unchanged",
        "sv.one": "{count} oförändrad",
        "en.one": "{count} unchanged",
    },
    "web.upload.added_caption": {
        "sv": "Nya deltagare",
        "en": "New participants",
    },
    "web.upload.changed_caption": {
        "sv": "Ändrade deltagare",
        "en": "Changed participants",
    },
    "web.upload.removed_caption": {
        "sv": "Deltagare som tas bort",
        "en": "Participants removed",
    },
    "web.upload.header_line": {
        "sv": "Rubrikerna hittades på rad {line}. Raderna ovanför läses inte.",
        "en": "The headings were found on row {line}. The rows above them are not read.",
    },
    "web.upload.warnings_caption": {
        "sv": "Att kontrollera (raderna sparas ändå)",
        "en": "To check (the rows are saved all the same)",
    },
    "web.upload.what_changes": {
        "sv": "Vad som ändras",
        "en": "What changes",
    },
    "web.upload.confirm": {
        "sv": "Spara listan",
        "en": "Save the list",
    },
    "web.upload.back": {
        "sv": "Tillbaka till workshoppen",
        "en": "Back to the workshop",
    },
    "web.field.name": {
        "sv": "Namn",
        "en": "Name",
    },
    "web.field.email": {
        "sv": "E-post",
        "en": "E-mail",
    },
    "web.field.municipality": {
        "sv": "Kommun",
        "en": "Municipality",
    },
    "web.field.role": {
        "sv": "Roll",
        "en": "Role",
    },
    "web.field.account_home_page": {
        "sv": "Lärplattformens adress",
        "en": "Account home page",
    },
    "web.field.account_name": {
        "sv": "Användarnamn i lärplattformen",
        "en": "Account name",
    },
    "web.field.header": {
        "sv": "Rubrikrad",
        "en": "Header row",
    },
    "web.field.file": {
        "sv": "Fil",
        "en": "File",
    },
    "web.rule.bad_email": {
        "sv": "Ogiltig e-postadress:",
        "en": "Not an e-mail address:",
    },
    "web.rule.unknown_municipality": {
        "sv": "Okänd kommun:",
        "en": "Unknown municipality:",
    },
    "web.rule.municipality_outside_county": {
        "sv": "Kommunen ligger utanför workshoppens län:",
        "en": "The municipality lies outside the workshop's county:",
    },
    "web.rule.duplicate": {
        "sv": "Dubblett:",
        "en": "Duplicate:",
    },
    "web.rule.missing": {
        "sv": "Saknas:",
        "en": "Missing:",
    },
    "web.rule.max_length": {
        "sv": "För lång:",
        "en": "Too long:",
    },
    "web.rule.bad_account": {
        "sv": "Ogiltigt konto:",
        "en": "Bad account:",
    },
    "web.rule.missing_column": {
        "sv": "Kolumn saknas:",
        "en": "Missing column:",
    },
    "web.rule.control_character": {
        "sv": "Otillåtet tecken (styrtecken eller radbrytning):",
        "en": "Character not allowed (control character or line break):",
    },
    "web.rule.format": {
        "sv": "Filformat:",
        "en": "File format:",
    },
    "web.reminders.title": {
        "sv": "Påminnelser",
        "en": "Reminders",
    },
    "web.reminders.help": {
        "sv": (
            "Deltagare som inte är klara kan få en påminnelse per e-post, en till var och en. Den "
            "som har påmints de senaste {hours} timmarna påminns inte igen. Sista dag: {deadline}."
        ),
        "en": (
            "Participants who have not completed can get a reminder by e-mail, one each. No one "
            "reminded within the last {hours} hours is reminded again. Deadline: {deadline}."
        ),
    },
    "web.reminders.failed_help": {
        "sv": (
            "Misslyckade utskick försöktes flera gånger. Kontrollera e-postadresserna och försök "
            "igen senare."
        ),
        "en": (
            "Failed deliveries were tried several times. Check the addresses and try again later."
        ),
    },
    "web.reminders.to_send": {
        "sv": "Påminns nu ({count})",
        "en": "To be reminded now ({count})",
        "sv.one": "Påminns nu ({count})",
        "en.one": "To be reminded now ({count})",
    },
    "web.reminders.to_send_caption": {
        "sv": "Deltagare som får en påminnelse om du skickar",
        "en": "Participants who get a reminder if you send",
    },
    "web.reminders.nobody": {
        "sv": "Ingen att påminna just nu.",
        "en": "No one to remind right now.",
    },
    "web.reminders.skipped": {
        "sv": "Påminns inte ({count})",
        "en": "Not reminded ({count})",
        "sv.one": "Påminns inte ({count})",
        "en.one": "Not reminded ({count})",
    },
    "web.reminders.skipped_caption": {
        "sv": "Deltagare som inte påminns, och varför",
        "en": "Participants not reminded, and why",
    },
    "web.reminders.example": {
        "sv": "Så här ser e-postmeddelandet ut",
        "en": "The e-mail",
    },
    "web.reminders.example_help": {
        "sv": "Var och en får ett eget meddelande med sitt namn; ingen ser någon annans adress.",
        "en": "Each gets their own message with their name; no one sees another's address.",
    },
    "web.reminders.to": {
        "sv": "Till:",
        "en": "To:",
    },
    "web.reminders.subject": {
        "sv": "Ämne:",
        "en": "Subject:",
    },
    "web.reminders.send": {
        "sv": "Skicka {count} påminnelser",
        "en": "Send {count} reminders",
        "sv.one": "Skicka {count} påminnelse",
        "en.one": "Send {count} reminder",
    },
    "web.reminders.log": {
        "sv": "Skickade påminnelser",
        "en": "Reminders sent",
    },
    "web.reminders.log_caption": {
        "sv": "Logg över påminnelser, senaste först",
        "en": "Reminder log, newest first",
    },
    "web.reminders.none_sent": {
        "sv": "Inga påminnelser har skickats.",
        "en": "No reminders have been sent.",
    },
    "web.reminders.auto": {
        "sv": "automatisk ({offset} före)",
        "en": "automatic ({offset} before)",
    },
    "web.reminders.manual": {
        "sv": "manuell",
        "en": "manual",
    },
    "web.reminders.attempts": {
        "sv": "{count} försök",
        "en": "{count} attempts",
        "sv.one": "{count} försök",
        "en.one": "{count} attempt",
    },
    "web.reminders.status.pending": {
        "sv": "skickas",
        "en": "sending",
    },
    "web.reminders.status.sent": {
        "sv": "skickad",
        "en": "sent",
    },
    "web.reminders.status.failed": {
        "sv": "misslyckades",
        "en": "failed",
    },
    "web.reminders.status.skipped": {
        "sv": "skickades inte",
        "en": "skipped",
    },
    "web.reminders.status.unknown": {
        "sv": "okänt (avbrutet), skickas inte igen",
        "en": "unknown (interrupted), not resent",
    },
    "web.learners.title": {
        "sv": "Utbildningsdata utan deltagare",
        "en": "Unmatched learners",
    },
    "web.learners.help": {
        "sv": (
            "De här personerna har skickat utbildningsdata men finns inte på någon deltagarlista. "
            "Ofta är det en felstavad e-postadress; den mest lika registrerade adressen visas "
            "bredvid."
        ),
        "en": (
            "These people sent learning data but are on no participant list. Often it is a "
            "misspelt e-mail address; the most similar registered address is shown beside it."
        ),
    },
    "web.learners.caption": {
        "sv": "{count} inloggningar som inte är kopplade till en deltagare",
        "en": "{count} learners not linked to a participant",
        "sv.one": "{count} inloggning som inte är kopplad till en deltagare",
        "en.one": "{count} learner not linked to a participant",
    },
    "web.learners.identity": {
        "sv": "E-post eller konto",
        "en": "Identity",
    },
    "web.learners.completed": {
        "sv": "Klar med någon kurs",
        "en": "Completed a course",
    },
    "web.learners.nearest": {
        "sv": "Liknande adress på en deltagarlista",
        "en": "Most similar registered address",
    },
    "web.learners.workshop": {
        "sv": "workshop",
        "en": "workshop",
    },
    "web.learners.none": {
        "sv": "Alla som skickat utbildningsdata finns på en lista.",
        "en": "Everyone who sent learning data is on a list.",
    },
    "web.courses.title": {
        "sv": "Kurser",
        "en": "Courses",
    },
    "web.courses.help": {
        "sv": "Utbildningarna som workshoppar kan kräva, och vad som räknas som klar.",
        "en": "The courses workshops can require, and what counts as completed.",
    },
    "web.courses.rule": {
        "sv": "Klar när",
        "en": "Completed when",
    },
    "web.courses.rule.any_of": {
        "sv": "när deltagaren har slutfört eller klarat kursen",
        "en": "a completed, passed or satisfied result exists for any of the activities",
    },
    "web.courses.rule.all_of": {
        "sv": "alla {steps} steg är klara",
        "en": "all {steps} steps are completed",
    },
    "web.courses.url": {
        "sv": "Kursens adress",
        "en": "Course address",
    },
    "web.courses.id": {
        "sv": "Id",
        "en": "Id",
    },
    "web.courses.activities": {
        "sv": "Aktiviteter (xAPI-id)",
        "en": "Activities (xAPI ids)",
    },
    "web.courses.reporters": {
        "sv": "Källor som räknas",
        "en": "Sources that count",
    },
    "web.courses.reporters_help": {
        "sv": "Bara utbildningsdata från de här källorna räknas när vi följer upp vem som är"
        " klar. Uppgifter från andra källor sparas, men visas bara som en upplysning.",
        "en": "Only learning data from these sources counts when we follow up who has"
        " completed. Data from other sources is kept, but only shown as a note.",
    },
    "web.courses.reporter_credential": {
        "sv": "{label} (xAPI-nyckel {key})",
        "en": "{label} (xAPI key {key})",
    },
    "web.courses.reporter_source": {
        "sv": "Hämtas från {name}",
        "en": "Pulled from {name}",
    },
    "web.courses.reporters_none": {
        "sv": "Bara uppgifter som tjänsten själv har registrerat.",
        "en": "Only data the service has recorded itself.",
    },
    "web.workshop.unverified": {
        "sv": "Klar enligt en källa som inte räknas ({when}). Fråga deltagaren.",
        "en": "Completed according to a source that does not count ({when}). Ask the participant.",
    },
    "web.audit.title": {
        "sv": "Händelselogg",
        "en": "Audit log",
    },
    "web.audit.help": {
        "sv": (
            "Vem som har importerat, ändrat, exporterat, påmint eller tagit bort vad, och när. De "
            "senaste 200 händelserna."
        ),
        "en": (
            "Who imported, changed, exported, reminded or removed what, and when. The latest 200 "
            "entries."
        ),
    },
    "web.audit.caption": {
        "sv": "{count} händelser, senaste först",
        "en": "{count} entries, newest first",
        "sv.one": "{count} händelse, senaste först",
        "en.one": "{count} entry, newest first",
    },
    "web.audit.who": {
        "sv": "Vem",
        "en": "Who",
    },
    "web.audit.what": {
        "sv": "Vad",
        "en": "What",
    },
    "web.audit.object": {
        "sv": "Objekt",
        "en": "Object",
    },
    "web.audit.details": {
        "sv": "Detaljer",
        "en": "Details",
    },
    "web.audit.operator": {
        "sv": "driften (kommandorad)",
        "en": "operator (command line)",
    },
    "web.audit.action.contact.set": {
        "sv": "Ändrade länets kontaktperson",
        "en": "Changed the county's contact person",
    },
    "web.audit.action.contact.remove": {
        "sv": "Tog bort länets kontaktperson",
        "en": "Removed the county's contact person",
    },
    "web.audit.action.workshop.create": {
        "sv": "skapade workshop",
        "en": "created workshop",
    },
    "web.audit.action.workshop.change": {
        "sv": "ändrade workshop",
        "en": "changed workshop",
    },
    "web.audit.action.workshop.delete": {
        "sv": "tog bort workshop",
        "en": "deleted workshop",
    },
    "web.audit.action.participants.import": {
        "sv": "importerade deltagarlista",
        "en": "imported participant list",
    },
    "web.audit.action.participant.add": {
        "sv": "lade till deltagare",
        "en": "added participant",
    },
    "web.audit.action.participant.change": {
        "sv": "ändrade deltagare",
        "en": "changed participant",
    },
    "web.audit.action.participant.remove": {
        "sv": "tog bort deltagare",
        "en": "removed participant",
    },
    "web.audit.action.report.export": {
        "sv": "laddade ned rapport",
        "en": "downloaded report",
    },
    "web.audit.action.report.read": {
        "sv": "Läste rapport",
        "en": "Read report",
    },
    "web.audit.action.participants.read": {
        "sv": "Läste deltagarlista",
        "en": "Read participant list",
    },
    "web.audit.action.reminders.send": {
        "sv": "skickade påminnelser",
        "en": "sent reminders",
    },
    "web.audit.action.course.create": {
        "sv": "lade till kurs",
        "en": "added course",
    },
    "web.audit.action.course.change": {
        "sv": "ändrade kurs",
        "en": "changed course",
    },
    "web.audit.action.user.create": {
        "sv": "skapade användare",
        "en": "created user",
    },
    "web.audit.action.user.disable": {
        "sv": "stängde av användare",
        "en": "disabled user",
    },
    "web.audit.action.user.password": {
        "sv": "bytte lösenord",
        "en": "changed password",
    },
    "web.audit.action.token.create": {
        "sv": "skapade API-nyckel",
        "en": "created API token",
    },
    "web.audit.action.bridge.source.add": {
        "sv": "lade till en källa för vidarebefordran",
        "en": "added a forwarding source",
    },
    "web.audit.action.bridge.source.remove": {
        "sv": "tog bort en källa för vidarebefordran",
        "en": "removed a forwarding source",
    },
    "web.audit.action.bridge.target.add": {
        "sv": "lade till ett mål för vidarebefordran",
        "en": "added a forwarding target",
    },
    "web.audit.action.bridge.target.remove": {
        "sv": "tog bort ett mål för vidarebefordran",
        "en": "removed a forwarding target",
    },
    "web.audit.action.token.revoke": {
        "sv": "återkallade API-nyckel",
        "en": "revoked API token",
    },
    "web.accessibility.title": {
        "sv": "Tillgänglighetsredogörelse",
        "en": "Accessibility statement",
    },
    "web.accessibility.status_title": {
        "sv": "Hur tillgänglig är tjänsten?",
        "en": "How accessible is the service?",
    },
    "web.accessibility.known_title": {
        "sv": "Kända brister",
        "en": "Known shortcomings",
    },
    "web.accessibility.report_title": {
        "sv": "Rapportera brister",
        "en": "Report a problem",
    },
    "web.accessibility.report": {
        "sv": (
            "Upplever du problem med tillgängligheten, eller behöver du innehållet i ett annat "
            "format? Skriv till oss så svarar vi inom två arbetsdagar."
        ),
        "en": (
            "Do you have trouble with accessibility, or need the content in another format? Write "
            "to us and we answer within two working days."
        ),
    },
    "web.accessibility.report_default": {
        "sv": "Kontakta den som administrerar tjänsten på din länsstyrelse.",
        "en": "Contact the service's administrator at your county administrative board.",
    },
    "web.accessibility.supervision_title": {
        "sv": "Tillsyn",
        "en": "Supervision",
    },
    "web.accessibility.supervision": {
        "sv": (
            "Myndigheten för digital förvaltning (Digg) har ansvar för tillsyn enligt lagen. Är "
            "du inte nöjd med hur vi hanterar dina synpunkter kan du kontakta Digg."
        ),
        "en": (
            "The Agency for Digital Government (Digg) supervises the act. If you are not "
            "satisfied with how we handle your comments, you can contact Digg."
        ),
    },
    "web.accessibility.supervision_link": {
        "sv": "Anmäl till Digg",
        "en": "Report to Digg",
    },
    "web.accessibility.how_title": {
        "sv": "Hur vi testat",
        "en": "How we tested",
    },
    "web.error.title_prefix": {
        "sv": "Fel:",
        "en": "Error:",
    },
    "web.error.summary": {
        "sv": "Det finns ett problem",
        "en": "There is a problem",
    },
    "web.form.title.required": {
        "sv": "Fyll i workshoppens namn.",
        "en": "Enter the workshop's name.",
    },
    "web.form.title.max_length": {
        "sv": "Workshoppens namn får vara högst {limit} tecken.",
        "en": "The workshop's name may be at most {limit} characters.",
    },
    "web.form.title.control_character": {
        "sv": "Workshoppens namn får inte innehålla radbrytningar eller osynliga styrtecken.",
        "en": "The workshop's name must not contain line breaks or invisible control characters.",
    },
    "web.form.title.invalid": {
        "sv": "Skriv workshoppens namn på en rad, högst {limit} tecken.",
        "en": "Write the workshop's name on one line, at most {limit} characters.",
    },
    "web.form.date.required": {
        "sv": "Fyll i workshoppens datum.",
        "en": "Enter the workshop's date.",
    },
    "web.form.date.format": {
        "sv": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2027-02-02.",
        "en": "Write the date as YYYY-MM-DD, for example 2027-02-02.",
    },
    "web.form.date.invalid": {
        "sv": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2027-02-02.",
        "en": "Write the date as YYYY-MM-DD, for example 2027-02-02.",
    },
    "web.form.deadline.format": {
        "sv": (
            "Skriv sista dag som ÅÅÅÅ-MM-DD TT.MM, till exempel 2027-02-01 16.00, eller lämna "
            "fältet tomt."
        ),
        "en": (
            "Write the last day as YYYY-MM-DD HH.MM, for example 2027-02-01 16.00, or leave the "
            "field empty."
        ),
    },
    "web.form.deadline.invalid": {
        "sv": (
            "Skriv sista dag som ÅÅÅÅ-MM-DD TT.MM, till exempel 2027-02-01 16.00, eller lämna "
            "fältet tomt."
        ),
        "en": (
            "Write the last day as YYYY-MM-DD HH.MM, for example 2027-02-01 16.00, or leave the "
            "field empty."
        ),
    },
    "web.form.courses.required": {
        "sv": "Välj minst en utbildning som deltagarna ska genomföra.",
        "en": "Choose at least one course the participants must complete.",
    },
    "web.form.courses.unknown": {
        "sv": "En av utbildningarna finns inte längre. Ladda om sidan och välj igen.",
        "en": "One of the courses no longer exists. Reload the page and choose again.",
    },
    "web.form.courses.invalid": {
        "sv": "Välj utbildningarna igen bland dem som visas.",
        "en": "Choose the courses again among those shown.",
    },
    "web.form.invalid": {
        "sv": "Uppgifterna kunde inte sparas. Kontrollera fälten och försök igen.",
        "en": "The details could not be saved. Check the fields and try again.",
    },
    "web.form.warning.date_past": {
        "sv": "Workshoppens datum har redan varit.",
        "en": "The workshop's date has already passed.",
    },
    "web.form.warning.deadline_after": {
        "sv": (
            "Sista dag är efter workshoppen. Deltagarna brukar behöva vara klara före workshoppen."
        ),
        "en": (
            "The last day is after the workshop. Participants usually need to be done before the "
            "workshop."
        ),
    },
    "web.form.warning.deadline_past": {
        "sv": "Sista dag har redan varit. Inga påminnelser skickas efter sista dag.",
        "en": "The last day has already passed. No reminders are sent after the last day.",
    },
    "web.county.not_created": {
        "sv": "Workshoppen skapades inte",
        "en": "The workshop was not created",
    },
    "web.county.check_title": {
        "sv": "Kontrollera uppgifterna – workshoppen är inte skapad än",
        "en": "Check the details – the workshop is not created yet",
    },
    "web.county.check_help": {
        "sv": "Stämmer uppgifterna? Rätta dem i formuläret, eller skapa workshoppen ändå.",
        "en": "Are the details right? Correct them in the form, or create the workshop anyway.",
    },
    "web.county.create_anyway": {
        "sv": "Skapa workshoppen ändå",
        "en": "Create the workshop anyway",
    },
    "web.upload.file_error_title": {
        "sv": "Filen kunde inte läsas",
        "en": "The file could not be read",
    },
    "web.upload.row_problem": {
        "sv": "Rad {line}: {problem}",
        "en": "Row {line}: {problem}",
    },
    "web.upload.more_problems": {
        "sv": "… och {count} fel till i tabellen nedan.",
        "en": "… and {count} more problems in the table below.",
        "sv.one": "… och {count} fel till i tabellen nedan.",
        "en.one": "… and {count} more problem in the table below.",
    },
    "web.error.count": {
        "sv": "{count} fel",
        "en": "{count} problems",
        "sv.one": "{count} fel",
        "en.one": "{count} problem",
    },
    "web.upload.unreadable": {
        "sv": (
            "Filen gick inte att läsa som en deltagarlista. Spara listan i Excel som "
            "Excel-arbetsbok (.xlsx) eller CSV och ladda upp den igen."
        ),
        "en": (
            "The file could not be read as a participant list. Save the list in Excel as an "
            "Excel workbook (.xlsx) or as CSV and upload it again."
        ),
    },
    "web.reminders.error.unreachable": {
        "sv": "E-postservern svarar inte. Påminnelsen skickades inte.",
        "en": "The mail server does not answer. The reminder was not sent.",
    },
    "web.reminders.error.recipient": {
        "sv": "E-postservern tog inte emot adressen. Kontrollera e-postadressen på deltagarlistan.",
        "en": (
            "The mail server refused the address. Check the e-mail address on the participant list."
        ),
    },
    "web.reminders.error.login": {
        "sv": "Tjänsten kunde inte logga in på e-postservern. Påminnelsen skickades inte.",
        "en": "The service could not log in to the mail server. The reminder was not sent.",
    },
    "web.reminders.error.unwritable": {
        "sv": (
            "E-postmeddelandet kunde inte skapas, till exempel för att kursens namn har en "
            "radbrytning."
        ),
        "en": (
            "The e-mail could not be written, for example because the course name has a line break."
        ),
    },
    "web.reminders.error.interrupted": {
        "sv": "Sändningen avbröts innan resultatet sparades. Den skickas inte igen automatiskt.",
        "en": (
            "Sending was interrupted before the result was saved. It is not sent again "
            "automatically."
        ),
    },
    "web.reminders.error.rejected": {
        "sv": "E-postservern tog inte emot meddelandet. Påminnelsen skickades inte.",
        "en": "The mail server did not accept the message. The reminder was not sent.",
    },
    "web.reminders.help_failed.unreachable": {
        "sv": (
            "E-postservern svarar inte, så inga fler påminnelser försöktes. Försök igen om en "
            "stund. Fortsätter felet, kontakta den som har hand om driften av tjänsten."
        ),
        "en": (
            "The mail server does not answer, so no more reminders were tried. Try again in a "
            "while. If it goes on, contact whoever runs the service."
        ),
    },
    "web.reminders.help_failed.recipient": {
        "sv": "Rätta e-postadresserna på deltagarlistan och försök igen.",
        "en": "Correct the e-mail addresses on the participant list and try again.",
    },
    "web.reminders.help_failed.login": {
        "sv": (
            "Kontakta den som har hand om driften av tjänsten: inloggningen till e-postservern "
            "fungerar inte."
        ),
        "en": "Contact whoever runs the service: the log-in to the mail server does not work.",
    },
    "web.reminders.help_failed.unwritable": {
        "sv": "Kontakta den som administrerar kurserna.",
        "en": "Contact whoever administers the courses.",
    },
    "web.reminders.help_failed.interrupted": {
        "sv": "Försök igen om en stund.",
        "en": "Try again in a while.",
    },
    "web.reminders.help_failed.rejected": {
        "sv": (
            "Försök igen om en stund. Fortsätter felet, kontakta den som har hand om driften av "
            "tjänsten."
        ),
        "en": "Try again in a while. If it goes on, contact whoever runs the service.",
    },
    "web.reminders.deadline_passed": {
        "sv": "Sista dagen har passerat. Inga påminnelser skickas efter sista dagen.",
        "en": "The last day has passed. No reminders are sent after the last day.",
    },
    "web.reminders.automatic_title": {
        "sv": "Automatiska påminnelser",
        "en": "Automatic reminders",
    },
    "web.reminders.automatic_none": {
        "sv": (
            "Tjänsten skickar inga automatiska påminnelser. Påminnelser skickas bara när du "
            "skickar dem här."
        ),
        "en": (
            "The service sends no automatic reminders. Reminders are sent only when you send "
            "them here."
        ),
    },
    "web.reminders.automatic_done": {
        "sv": "Inga fler automatiska påminnelser skickas för den här workshoppen.",
        "en": "No more automatic reminders are sent for this workshop.",
    },
    "web.reminders.automatic_list": {
        "sv": (
            "Automatiska påminnelser skickas {when} till dem som då inte är klara. I dag gäller "
            "det {count} personer."
        ),
        "en": (
            "Automatic reminders go out {when} to those who have not finished by then. Today "
            "that is {count} people."
        ),
        "sv.one": (
            "Automatiska påminnelser skickas {when} till dem som då inte är klara. I dag gäller "
            "det {count} person."
        ),
        "en.one": (
            "Automatic reminders go out {when} to those who have not finished by then. Today "
            "that is {count} person."
        ),
    },
    "web.reminders.and": {
        "sv": "och",
        "en": "and",
    },
    "web.workshop.summary": {
        "sv": "{done} av {total} klara",
        "en": "{done} of {total} completed",
    },
    "web.workshop.last_day_today": {
        "sv": "sista dagen är i dag",
        "en": "the last day is today",
    },
    "web.workshop.last_day_passed": {
        "sv": "sista dagen har passerat",
        "en": "the last day has passed",
    },
    "web.workshop.legend": {
        "sv": (
            "Klar efter sista dag: kursen slutfördes efter sista dagen och räknas inte som klar "
            "i tid. Välj ett antal för att se de deltagarna."
        ),
        "en": (
            "Completed late: the course was completed after the last day and does not count as "
            "on time. Choose a number to see those participants."
        ),
    },
    "web.workshop.empty": {
        "sv": "Workshoppen har inga deltagare än.",
        "en": "The workshop has no participants yet.",
    },
    "web.workshop.downloads": {
        "sv": "Ladda ned listan",
        "en": "Download the list",
    },
    "web.workshop.download_xlsx_shown": {
        "sv": "De deltagare som visas som Excel-fil (.xlsx)",
        "en": "The participants shown as an Excel file (.xlsx)",
    },
    "web.workshop.download_csv_shown": {
        "sv": "De deltagare som visas som CSV-fil (för andra program)",
        "en": "The participants shown as a CSV file (for other programs)",
    },
    "web.workshop.course_done": {
        "sv": "klar",
        "en": "done",
    },
    "web.col.reminded": {
        "sv": "Senast påmind",
        "en": "Last reminded",
    },
    "web.col.signature": {
        "sv": "Signatur",
        "en": "Signature",
    },
    "web.role.valsamordnare": {
        "sv": "valsamordnare",
        "en": "election coordinator",
    },
    "web.role.valnämnd": {
        "sv": "valnämnd",
        "en": "election committee",
    },
    "web.role.säkerhetssamordnare": {
        "sv": "säkerhetssamordnare",
        "en": "security coordinator",
    },
    "web.role.kommunikatör": {
        "sv": "kommunikatör",
        "en": "communications officer",
    },
    "web.role.other": {
        "sv": "övrig",
        "en": "other",
    },
    "web.workshop.days_left": {
        "sv": "{count} dagar kvar",
        "en": "{count} days left",
        "sv.one": "{count} dag kvar",
        "en.one": "{count} day left",
    },
    "web.contact.heading": {
        "sv": "Kontaktperson",
        "en": "Contact person",
    },
    "web.contact.title": {
        "sv": "Länets kontaktperson",
        "en": "The county's contact person",
    },
    "web.contact.help": {
        "sv": (
            "Kontaktpersonen står i påminnelserna som skickas till deltagarna. Svarar en "
            "deltagare på en påminnelse går svaret till kontaktpersonens e-postadress."
        ),
        "en": (
            "The contact person is named in the reminders sent to participants. When a "
            "participant replies to a reminder, the reply goes to the contact person's "
            "e-mail address."
        ),
    },
    "web.contact.used": {
        "sv": "Står i påminnelserna, och svar på dem går hit.",
        "en": "Named in the reminders; replies to them go here.",
    },
    "web.contact.none": {
        "sv": (
            "Ingen kontaktperson är angiven. Svar på påminnelserna går till den som skickar dem."
        ),
        "en": "No contact person is set. Replies to reminders go to the person who sends them.",
    },
    "web.contact.change": {
        "sv": "Ändra kontaktperson",
        "en": "Change the contact person",
    },
    "web.contact.save": {
        "sv": "Spara kontaktperson",
        "en": "Save the contact person",
    },
    "web.contact.not_saved": {
        "sv": "Kontaktpersonen sparades inte",
        "en": "The contact person was not saved",
    },
    "web.contact.optional": {
        "sv": "frivilligt",
        "en": "optional",
    },
    "web.contact.name": {
        "sv": "Namn",
        "en": "Name",
    },
    "web.contact.email": {
        "sv": "E-postadress",
        "en": "E-mail address",
    },
    "web.contact.phone": {
        "sv": "Telefon",
        "en": "Phone",
    },
    "web.contact.organisation": {
        "sv": "Organisation",
        "en": "Organisation",
    },
    "web.contact.name.required": {
        "sv": "Skriv kontaktpersonens namn",
        "en": "Enter the contact person's name",
    },
    "web.contact.name.invalid": {
        "sv": "Skriv namnet på en rad, högst 200 tecken",
        "en": "Enter the name on one line, at most 200 characters",
    },
    "web.contact.email.required": {
        "sv": "Skriv kontaktpersonens e-postadress",
        "en": "Enter the contact person's e-mail address",
    },
    "web.contact.email.invalid": {
        "sv": "Skriv e-postadressen som namn@lansstyrelsen.se",
        "en": "Enter the e-mail address as name@example.se",
    },
    "web.contact.phone.invalid": {
        "sv": "Skriv telefonnumret med siffror, till exempel 010-225 10 00",
        "en": "Enter the phone number in digits, for example 010-225 10 00",
    },
    "web.contact.organisation.invalid": {
        "sv": "Skriv organisationen på en rad, högst 200 tecken",
        "en": "Enter the organisation on one line, at most 200 characters",
    },
    "web.workshop.percent": {
        "sv": "{percent}\u00a0%",
        "en": "{percent}%",
    },
    "web.workshop.steps": {
        "sv": "{done} av {count} steg klara",
        "en": "{done} of {count} steps done",
        "sv.one": "{done} av {count} steg klart",
        "en.one": "{done} of {count} step done",
    },
    "web.audit.deleted_workshop": {
        "sv": "(borttagen workshop)",
        "en": "(deleted workshop)",
    },
    "web.audit.detail.rows": {
        "sv": "rader",
        "en": "rows",
    },
    "web.audit.detail.added": {
        "sv": "nya",
        "en": "added",
    },
    "web.audit.detail.changed": {
        "sv": "ändrade",
        "en": "changed",
    },
    "web.audit.detail.removed": {
        "sv": "borttagna",
        "en": "removed",
    },
    "web.audit.detail.sent": {
        "sv": "skickade",
        "en": "sent",
    },
    "web.audit.detail.failed": {
        "sv": "misslyckade",
        "en": "failed",
    },
    "web.audit.detail.skipped": {
        "sv": "inte påminda",
        "en": "not reminded",
    },
    "web.audit.detail.participants": {
        "sv": "deltagare",
        "en": "participants",
    },
    "web.audit.detail.format": {
        "sv": "format",
        "en": "format",
    },
    "web.audit.detail.municipality": {
        "sv": "kommun",
        "en": "municipality",
    },
    "web.audit.detail.role": {
        "sv": "roll",
        "en": "role",
    },
    "web.audit.detail.user": {
        "sv": "användare",
        "en": "user",
    },
    "web.audit.detail.workshop": {
        "sv": "workshop",
        "en": "workshop",
    },
    "web.audit.detail.fields": {
        "sv": "fält",
        "en": "fields",
    },
    "web.audit.detail.tokens_revoked": {
        "sv": "återkallade API-nycklar",
        "en": "API tokens revoked",
    },
    "web.audit.detail.tokens_kept": {
        "sv": "kvarvarande API-nycklar",
        "en": "API tokens kept",
    },
    "web.audit.detail.chosen": {
        "sv": "valda",
        "en": "chosen",
    },
    "web.audit.detail.greeting": {
        "sv": "egen hälsning",
        "en": "own greeting",
    },
    "web.audit.detail.count": {
        "sv": "antal",
        "en": "count",
    },
    "web.audit.object_type.county": {
        "sv": "Län",
        "en": "County",
    },
    "web.audit.object_type.user": {
        "sv": "användare",
        "en": "user",
    },
    "web.audit.object_type.token": {
        "sv": "API-nyckel",
        "en": "API token",
    },
    "web.audit.object_type.course": {
        "sv": "kurs",
        "en": "course",
    },
    "web.audit.object_type.participant": {
        "sv": "deltagare",
        "en": "participant",
    },
    "web.audit.object_type.bridge_source": {
        "sv": "källa",
        "en": "source",
    },
    "web.audit.object_type.bridge_target": {
        "sv": "mål",
        "en": "target",
    },
    "web.user_role.national-admin": {
        "sv": "nationell administratör",
        "en": "national administrator",
    },
    "web.user_role.county-admin": {
        "sv": "länsadministratör",
        "en": "county administrator",
    },
    "web.user_role.coordinator": {
        "sv": "kommunal samordnare",
        "en": "municipal coordinator",
    },
    "web.accessibility.intro": {
        "sv": (
            "{organisation} står bakom tjänsten {service}. Vi vill att så många som möjligt ska "
            "kunna använda den. Här beskriver vi hur tjänsten uppfyller lagen (2018:1937) om "
            "tillgänglighet till digital offentlig service, vilka brister som finns och hur du "
            "kan rapportera problem."
        ),
        "en": (
            "{organisation} runs the service {service}. We want as many people as possible to be "
            "able to use it. This statement describes how the service meets the Swedish act "
            "(2018:1937) on accessibility of digital public services, the known shortcomings and "
            "how to report problems."
        ),
    },
    "web.accessibility.organisation_default": {
        "sv": "Den myndighet som driver tjänsten",
        "en": "The public body that runs the service",
    },
    "web.accessibility.compliance": {
        "sv": (
            "Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig "
            "service, på grund av de brister som beskrivs nedan."
        ),
        "en": (
            "The service is partially compliant with the Swedish act on accessibility of digital "
            "public services, because of the shortcomings described below."
        ),
    },
    "web.accessibility.known_intro": {
        "sv": "Det här innehållet är inte helt tillgängligt:",
        "en": "This content is not fully accessible:",
    },
    "web.accessibility.known_files": {
        "sv": (
            "Nedladdade Excel- och CSV-filer har inte granskats. Hur tillgängliga de är beror på "
            "kalkylprogrammet. Samma uppgifter finns på webbsidan."
        ),
        "en": (
            "Downloaded Excel and CSV files have not been reviewed. How accessible they are "
            "depends on the spreadsheet program. The same data is on the web page."
        ),
    },
    "web.accessibility.known_charts": {
        "sv": (
            "I diagrammen skiljs staplarnas delar åt bara med färg, och texten i dem är liten. "
            "Samma siffror finns i en tabell under varje diagram."
        ),
        "en": (
            "In the charts, the parts of each bar differ only by colour, and their text is "
            "small. The same numbers are in a table below each chart."
        ),
    },
    "web.accessibility.known_file_field": {
        "sv": (
            "Fältet för att välja en fil att ladda upp ser ut och låter olika i olika "
            "webbläsare, eftersom det är webbläsarens eget fält."
        ),
        "en": (
            "The field for choosing a file to upload looks and sounds different in different "
            "browsers, because it is the browser's own field."
        ),
    },
    "web.accessibility.exempt": {
        "sv": (
            "Inget innehåll är undantaget på grund av oskäligt betungande anpassning, och "
            "tjänsten har inget innehåll som inte omfattas av lagen."
        ),
        "en": (
            "No content is exempt as a disproportionate burden, and the service has no content "
            "outside the scope of the act."
        ),
    },
    "web.accessibility.how": {
        "sv": (
            "Vi har själva bedömt tjänsten (självskattning): ett användbarhets- och "
            "tillgänglighetstest med tangentbord och förstoring till 400 procent, "
            "och en automatisk kontroll av varje sida med axe-core i en riktig webbläsare, i "
            "1280 och 320 pixlars bredd, vid varje ändring av tjänsten."
        ),
        "en": (
            "We assessed the service ourselves (self-assessment): a usability and accessibility "
            "test with keyboard and zoom to 400 percent, and an automatic check "
            "of every page with axe-core in a real browser, at 1280 and 320 pixels wide, at "
            "every change of the service."
        ),
    },
    "web.accessibility.dates": {
        "sv": (
            "Tjänsten bedömdes senast den {assessed}. Redogörelsen uppdaterades senast den "
            "{updated}."
        ),
        "en": (
            "The service was last assessed on {assessed}. This statement was last updated on "
            "{updated}."
        ),
    },
    "web.workshop.empty_upload": {
        "sv": "Ladda upp deltagarlistan",
        "en": "Upload the participant list",
    },
    "web.workshop.empty_help": {
        "sv": (
            "Ladda upp listan över deltagare som en CSV- eller Excel-fil. Sedan ser du här vilka "
            "som har gått kursen och vilka du behöver påminna."
        ),
        "en": (
            "Upload the list of participants as a CSV or Excel file. Then you see here who has "
            "taken the course and whom you need to remind."
        ),
    },
    "web.edit.title": {
        "sv": "Ändra workshoppen",
        "en": "Change the workshop",
    },
    "web.edit.save": {
        "sv": "Spara ändringarna",
        "en": "Save the changes",
    },
    "web.edit.save_anyway": {
        "sv": "Spara ändå",
        "en": "Save anyway",
    },
    "web.edit.cancel": {
        "sv": "Avbryt och gå tillbaka till workshoppen",
        "en": "Cancel and go back to the workshop",
    },
    "web.edit.not_saved": {
        "sv": "Ändringarna sparades inte",
        "en": "The changes were not saved",
    },
    "web.delete.title": {
        "sv": "Ta bort workshoppen",
        "en": "Delete the workshop",
    },
    "web.delete.confirm": {
        "sv": "Ja, ta bort workshoppen och deltagarlistan",
        "en": "Yes, delete the workshop and its participant list",
    },
    "web.delete.cancel": {
        "sv": "Nej, gå tillbaka till workshoppen",
        "en": "No, go back to the workshop",
    },
    "web.participant.title": {
        "sv": "Lägg till en deltagare",
        "en": "Add a participant",
    },
    "web.participant.add": {
        "sv": "Lägg till deltagaren",
        "en": "Add the participant",
    },
    "web.participant.not_added": {
        "sv": "Deltagaren lades inte till",
        "en": "The participant was not added",
    },
    "web.participant.municipality_hint": {
        "sv": "namn eller kommunkod, till exempel Gävle eller 2180",
        "en": "name or municipality code, for example Gävle or 2180",
    },
    "web.participant.duplicate": {
        "sv": "Det finns redan en deltagare med den e-postadressen på listan.",
        "en": "There is already a participant with that e-mail address on the list.",
    },
    "web.participant.name": {
        "sv": "Fyll i deltagarens namn, högst 200 tecken på en rad.",
        "en": "Enter the participant's name, at most 200 characters on one line.",
    },
    "web.participant.email": {
        "sv": "Skriv e-postadressen som namn@exempel.se.",
        "en": "Write the e-mail address as name@example.com.",
    },
    "web.participant.municipality": {
        "sv": "Skriv en kommun i workshoppens län, med namn eller kommunkod.",
        "en": "Write a municipality in the workshop's county, by name or code.",
    },
    "web.participant.municipality.municipality_outside_county": {
        "sv": "Kommunen ligger inte i workshoppens län.",
        "en": "The municipality is not in the workshop's county.",
    },
    "web.participant.role": {
        "sv": "Välj en roll i listan.",
        "en": "Choose a role in the list.",
    },
    "web.delete.help": {
        "sv": (
            "Workshoppen {title} och dess deltagarlista med {count} deltagare tas bort. Det går "
            "inte att ångra."
        ),
        "en": (
            "The workshop {title} and its participant list of {count} participants are deleted. "
            "This cannot be undone."
        ),
        "sv.one": (
            "Workshoppen {title} och dess deltagarlista med {count} deltagare tas bort. Det går "
            "inte att ångra."
        ),
        "en.one": (
            "The workshop {title} and its participant list of {count} participant are deleted. "
            "This cannot be undone."
        ),
    },
    "web.upload.cancel": {
        "sv": "Avbryt – inget sparas",
        "en": "Cancel – nothing is saved",
    },
    "web.upload.confirm_removing": {
        "sv": "Spara listan och ta bort {count} deltagare",
        "en": "Save the list and remove {count} participants",
        "sv.one": "Spara listan och ta bort {count} deltagare",
        "en.one": "Save the list and remove {count} participant",
    },
    "web.upload.removes": {
        "sv": "{count} deltagare finns inte i den nya filen och tas bort från listan om du sparar.",
        "en": "{count} participants are not in the new file and are removed if you save.",
        "sv.one": (
            "{count} deltagare finns inte i den nya filen och tas bort från listan om du sparar."
        ),
        "en.one": "{count} participant is not in the new file and is removed if you save.",
    },
    "web.upload.removes_everyone": {
        "sv": (
            "Filen har inga deltagare. Alla {count} deltagare tas bort från listan om du sparar. "
            "Är du säker?"
        ),
        "en": (
            "The file has no participants. All {count} participants are removed if you save. Are "
            "you sure?"
        ),
        "sv.one": (
            "Filen har inga deltagare. Listans {count} deltagare tas bort om du sparar. Är du "
            "säker?"
        ),
        "en.one": (
            "The file has no participants. The list's {count} participant is removed if you "
            "save. Are you sure?"
        ),
    },
    "web.reminders.reply_to": {
        "sv": "Svar går till:",
        "en": "Replies go to:",
    },
    "web.county.totals_municipality": {
        "sv": "Deltagare i {municipality} efter status",
        "en": "Participants in {municipality} by status",
    },
    "web.county.past_workshops": {
        "sv": "Workshoppar som har varit",
        "en": "Past workshops",
    },
    "web.county.past_caption": {
        "sv": "Workshoppar i {county} som har varit, efter status",
        "en": "Past workshops in {county} by status",
    },
    "web.learners.link": {
        "sv": "Byt {nearest} till {email} på deltagarlistan",
        "en": "Replace {nearest} with {email} on the participant list",
    },
    "web.participant.change_title": {
        "sv": "Ändra uppgifterna för {name}",
        "en": "Change the details of {name}",
    },
    "web.participant.save": {
        "sv": "Spara ändringarna",
        "en": "Save the changes",
    },
    "web.participant.not_saved": {
        "sv": "Ändringarna sparades inte",
        "en": "The changes were not saved",
    },
    "web.participant.actions": {
        "sv": "Ändra listan",
        "en": "Change the list",
    },
    "web.participant.change": {
        "sv": "Ändra",
        "en": "Change",
    },
    "web.participant.remove": {
        "sv": "Ta bort",
        "en": "Remove",
    },
    "web.participant.remove_title": {
        "sv": "Ta bort {name} från listan",
        "en": "Remove {name} from the list",
    },
    "web.participant.remove_help": {
        "sv": (
            "{name} ({email}, {municipality}) tas bort från deltagarlistan för {title}. "
            "Personen får inga fler påminnelser och räknas inte längre i uppföljningen. "
            "Du kan lägga till personen igen senare."
        ),
        "en": (
            "{name} ({email}, {municipality}) is removed from the participant list of {title}. "
            "They get no more reminders and no longer count in the follow-up. You can add them "
            "again later."
        ),
    },
    "web.participant.remove_confirm": {
        "sv": "Ja, ta bort deltagaren",
        "en": "Yes, remove the participant",
    },
    "web.nation.all_workshops": {
        "sv": "Alla workshoppar i landet",
        "en": "All workshops in the country",
    },
    "web.nation.workshops_title": {
        "sv": "Alla workshoppar i landet",
        "en": "All workshops in the country",
    },
    "web.nation.workshops_caption": {
        "sv": "Kommande workshoppar i alla län, efter datum och status",
        "en": "Upcoming workshops in every county, by date and status",
    },
    "web.nation.past_caption": {
        "sv": "Workshoppar i alla län som har varit, efter datum och status",
        "en": "Past workshops in every county, by date and status",
    },
    "web.reminders.all_municipalities": {
        "sv": "Alla kommuner",
        "en": "All municipalities",
    },
    "web.reminders.choose": {
        "sv": "Vilka ska få en påminnelse?",
        "en": "Who should get a reminder?",
    },
    "web.reminders.send_col": {
        "sv": "Skicka",
        "en": "Send",
    },
    "web.reminders.choose_someone": {
        "sv": "Välj minst en person att påminna.",
        "en": "Choose at least one person to remind.",
    },
    "web.reminders.greeting": {
        "sv": "Egen hälsning i e-postmeddelandet (frivillig)",
        "en": "Your own greeting in the e-mail (optional)",
    },
    "web.reminders.greeting_hint": {
        "sv": "vanlig text, högst {max} tecken; den kommer efter 'Hej'",
        "en": "plain text, at most {max} characters; it follows 'Hello'",
    },
    "web.reminders.greeting_too_long": {
        "sv": "Hälsningen får vara högst {max} tecken. Korta den.",
        "en": "The greeting can be at most {max} characters. Shorten it.",
    },
    "web.reminders.show_example": {
        "sv": "Visa e-postmeddelandet med hälsningen",
        "en": "Show the e-mail with the greeting",
    },
    "web.reminders.not_sent": {
        "sv": "Inga påminnelser skickades",
        "en": "No reminders were sent",
    },
    # --- issue 15: people, set-password link, own account, xAPI credentials, courses (branch
    # admin-people) ---
    "web.nav.people": {
        "sv": "Personer",
        "en": "People",
    },
    "web.nav.account": {
        "sv": "Mitt konto",
        "en": "My account",
    },
    "web.people.title": {
        "sv": "Personer",
        "en": "People",
    },
    "web.people.help_national": {
        "sv": (
            "Alla som kan logga in: nationella administratörer, länsadministratörer och "
            "samordnare. Ingen administratör skriver eller ser någons lösenord – personen får en "
            "länk med e-post och väljer det själv."
        ),
        "en": (
            "Everyone who can log in: national administrators, county administrators and "
            "coordinators. No administrator types or sees anyone's password – the person gets a "
            "link by e-mail and chooses it."
        ),
    },
    "web.people.help_county": {
        "sv": (
            "Samordnarna i ditt län. Ingen administratör skriver eller ser någons lösenord – "
            "personen får en länk med e-post och väljer det själv."
        ),
        "en": (
            "The coordinators in your county. No administrator types or sees anyone's password – "
            "the person gets a link by e-mail and chooses it."
        ),
    },
    "web.people.new": {
        "sv": "Lägg till en person",
        "en": "Add a person",
    },
    "web.people.new_help": {
        "sv": (
            "Personen får ett e-postmeddelande med en länk där hen väljer sitt lösenord. Länken "
            "fungerar en gång och i 72 timmar."
        ),
        "en": (
            "The person gets an e-mail with a link where they choose their password. The link "
            "works once and for 72 hours."
        ),
    },
    "web.people.create": {
        "sv": "Lägg till och skicka länken",
        "en": "Add and send the link",
    },
    "web.people.not_created": {
        "sv": "Personen lades inte till",
        "en": "The person was not added",
    },
    "web.people.not_saved": {
        "sv": "Ändringen sparades inte",
        "en": "The change was not saved",
    },
    "web.people.email": {
        "sv": "E-postadress",
        "en": "E-mail address",
    },
    "web.people.role": {
        "sv": "Roll",
        "en": "Role",
    },
    "web.people.county": {
        "sv": "Län",
        "en": "County",
    },
    "web.people.county_hint": {
        "sv": (
            "Länsadministratörer och samordnare hör till ett län. Nationella administratörer har "
            "inget län."
        ),
        "en": (
            "County administrators and coordinators belong to a county. National administrators "
            "have none."
        ),
    },
    "web.people.no_county": {
        "sv": "Inget län (nationell administratör)",
        "en": "No county (national administrator)",
    },
    "web.people.municipality": {
        "sv": "Kommun",
        "en": "Municipality",
    },
    "web.people.municipality_hint": {
        "sv": "Bara för en samordnare som ska se en enda kommuns deltagare.",
        "en": "Only for a coordinator who should see one municipality's participants.",
    },
    "web.people.whole_county": {
        "sv": "Hela länet",
        "en": "The whole county",
    },
    "web.people.place": {
        "sv": "Län eller kommun",
        "en": "County or municipality",
    },
    "web.people.everywhere": {
        "sv": "Hela landet",
        "en": "The whole country",
    },
    "web.people.state": {
        "sv": "Läge",
        "en": "State",
    },
    "web.people.active": {
        "sv": "Aktiv",
        "en": "Active",
    },
    "web.people.invited": {
        "sv": "Inbjuden, inget lösenord ännu",
        "en": "Invited, no password yet",
    },
    "web.people.disabled": {
        "sv": "Avstängd",
        "en": "Disabled",
    },
    "web.people.since": {
        "sv": "Skapad",
        "en": "Created",
    },
    "web.people.created": {
        "sv": "Personen är tillagd.",
        "en": "The person has been added.",
    },
    "web.people.link_sent": {
        "sv": (
            "En länk för att välja lösenord är skickad till {email}. Den fungerar en gång och i "
            "72 timmar."
        ),
        "en": (
            "A link to choose a password has been sent to {email}. It works once and for 72 hours."
        ),
    },
    "web.people.link_failed": {
        "sv": (
            "E-postmeddelandet kunde inte skickas. Försök igen med knappen Skicka länk för att "
            "välja lösenord, eller kontakta den som sköter tjänsten."
        ),
        "en": (
            "The e-mail could not be sent. Try again with the button Send a link to choose a "
            "password, or contact whoever runs the service."
        ),
    },
    "web.people.changed": {
        "sv": "Ändringen är sparad.",
        "en": "The change has been saved.",
    },
    "web.people.access_disabled": {
        "sv": "Personen är avstängd. Hens API-nycklar är återkallade och hen är utloggad.",
        "en": "The person is disabled. Their API tokens are revoked and they are logged out.",
    },
    "web.people.access_enabled": {
        "sv": "Personen kan logga in igen.",
        "en": "The person can log in again.",
    },
    "web.people.yourself": {
        "sv": "Det här är du. Byt lösenord och hantera API-nycklar på",
        "en": "This is you. Change your password and manage API tokens on",
    },
    "web.people.change": {
        "sv": "Ändra roll eller plats",
        "en": "Change role or place",
    },
    "web.people.save": {
        "sv": "Spara ändringen",
        "en": "Save the change",
    },
    "web.people.access": {
        "sv": "Inloggning",
        "en": "Log-in",
    },
    "web.people.link_help": {
        "sv": (
            "Skicka en ny länk om personen har glömt sitt lösenord eller inte hann använda den "
            "förra. Tidigare länkar slutar då att fungera."
        ),
        "en": (
            "Send a new link if the person has forgotten their password or did not use the last "
            "one in time. Earlier links then stop working."
        ),
    },
    "web.people.send_link": {
        "sv": "Skicka länk för att välja lösenord",
        "en": "Send a link to choose a password",
    },
    "web.people.disable_help": {
        "sv": "En avstängd person kan inte logga in, och hens API-nycklar slutar fungera direkt.",
        "en": "A disabled person cannot log in, and their API tokens stop working at once.",
    },
    "web.people.disable": {
        "sv": "Stäng av personen",
        "en": "Disable the person",
    },
    "web.people.enable_help": {
        "sv": (
            "Personen kan logga in igen med sitt lösenord. Återkallade API-nycklar förblir "
            "återkallade."
        ),
        "en": "The person can log in again with their password. Revoked API tokens stay revoked.",
    },
    "web.people.enable": {
        "sv": "Släpp in personen igen",
        "en": "Enable the person again",
    },
    "web.people.error.invalid": {
        "sv": "Uppgiften kan inte användas.",
        "en": "The value cannot be used.",
    },
    "web.people.error.email.email": {
        "sv": "Skriv en e-postadress, till exempel namn@kommun.se.",
        "en": "Enter an e-mail address, for example name@municipality.se.",
    },
    "web.people.error.email.taken": {
        "sv": "Det finns redan en person med den här e-postadressen.",
        "en": "A person with this e-mail address exists already.",
    },
    "web.people.error.role.unknown": {
        "sv": "Välj en roll.",
        "en": "Choose a role.",
    },
    "web.people.error.role.scope": {
        "sv": "Du kan bara lägga till och ändra samordnare i ditt eget län.",
        "en": "You can only add and change coordinators in your own county.",
    },
    "web.people.error.county.scope": {
        "sv": "Du kan bara lägga till och ändra samordnare i ditt eget län.",
        "en": "You can only add and change coordinators in your own county.",
    },
    "web.people.error.county.required": {
        "sv": "Välj ett län för en länsadministratör eller samordnare.",
        "en": "Choose a county for a county administrator or coordinator.",
    },
    "web.people.error.county.national": {
        "sv": "En nationell administratör har inget län eller kommun. Välj Inget län.",
        "en": "A national administrator has no county or municipality. Choose No county.",
    },
    "web.people.error.county.unknown": {
        "sv": "Välj ett län i listan.",
        "en": "Choose a county from the list.",
    },
    "web.people.error.municipality.unknown": {
        "sv": "Välj en kommun i listan.",
        "en": "Choose a municipality from the list.",
    },
    "web.people.error.municipality.outside_county": {
        "sv": "Kommunen ligger inte i det valda länet.",
        "en": "The municipality is not in the chosen county.",
    },
    "web.people.error.municipality.county_admin": {
        "sv": "En länsadministratör har hela länet. Välj Hela länet.",
        "en": "A county administrator has the whole county. Choose The whole county.",
    },
    "web.people.error.user.self": {
        "sv": "Du kan inte ändra din egen roll eller stänga av dig själv.",
        "en": "You cannot change your own role or disable yourself.",
    },
    "web.people.error.user.disabled": {
        "sv": "Personen är redan avstängd.",
        "en": "The person is disabled already.",
    },
    "web.people.error.user.enabled": {
        "sv": "Personen är inte avstängd.",
        "en": "The person is not disabled.",
    },
    "web.people.error.password.length": {
        "sv": "Lösenordet behöver vara minst {length} tecken.",
        "en": "The password needs at least {length} characters.",
    },
    "web.people.error.repeat.differs": {
        "sv": "Lösenorden är inte likadana. Skriv samma lösenord två gånger.",
        "en": "The passwords differ. Type the same password twice.",
    },
    "web.people.error.current.wrong": {
        "sv": "Skriv ditt nuvarande lösenord.",
        "en": "Enter your current password.",
    },
    "web.password.title": {
        "sv": "Välj ditt lösenord",
        "en": "Choose your password",
    },
    "web.password.help": {
        "sv": (
            "Välj ett lösenord för {email}. Det behöver vara minst {length} tecken. Sedan loggar "
            "du in med e-postadressen och lösenordet."
        ),
        "en": (
            "Choose a password for {email}. It needs at least {length} characters. Then you log "
            "in with the e-mail address and the password."
        ),
    },
    "web.password.rule": {
        "sv": (
            "Minst {length} tecken. Ett par vanliga ord i följd är lätt att minnas och svårt att "
            "gissa."
        ),
        "en": (
            "At least {length} characters. A few ordinary words in a row are easy to remember and "
            "hard to guess."
        ),
    },
    "web.password.password": {
        "sv": "Nytt lösenord",
        "en": "New password",
    },
    "web.password.repeat": {
        "sv": "Nytt lösenord en gång till",
        "en": "New password again",
    },
    "web.password.save": {
        "sv": "Spara lösenordet",
        "en": "Save the password",
    },
    "web.password.not_saved": {
        "sv": "Lösenordet sparades inte",
        "en": "The password was not saved",
    },
    "web.password.gone_title": {
        "sv": "Länken fungerar inte",
        "en": "The link does not work",
    },
    "web.password.gone_help": {
        "sv": (
            "Länken är redan använd, för gammal eller felaktig. Be din administratör skicka en ny "
            "länk."
        ),
        "en": (
            "The link has been used already, is too old or is wrong. Ask your administrator to "
            "send a new link."
        ),
    },
    "web.login.password_set": {
        "sv": "Ditt lösenord är sparat. Logga in med det.",
        "en": "Your password has been saved. Log in with it.",
    },
    "web.account.title": {
        "sv": "Mitt konto",
        "en": "My account",
    },
    "web.account.password": {
        "sv": "Byt lösenord",
        "en": "Change password",
    },
    "web.account.current": {
        "sv": "Nuvarande lösenord",
        "en": "Current password",
    },
    "web.account.change_password": {
        "sv": "Byt lösenord",
        "en": "Change the password",
    },
    "web.account.password_saved": {
        "sv": "Lösenordet är bytt. Du är utloggad överallt utom här.",
        "en": "The password has been changed. You are logged out everywhere but here.",
    },
    "web.account.not_saved": {
        "sv": "Lösenordet byttes inte",
        "en": "The password was not changed",
    },
    "web.account.tokens": {
        "sv": "API-nycklar",
        "en": "API tokens",
    },
    "web.account.tokens_help": {
        "sv": (
            "En API-nyckel låter ett program använda tjänstens API i ditt namn, med din roll. "
            "Skicka den som Authorization: Bearer NYCKEL. Återkalla en nyckel du inte längre "
            "använder."
        ),
        "en": (
            "An API token lets a program use the service's API in your name, with your role. Send "
            "it as Authorization: Bearer TOKEN. Revoke a token you no longer use."
        ),
    },
    "web.account.new_token": {
        "sv": "Skapa en ny API-nyckel",
        "en": "Create a new API token",
    },
    "web.account.token_shown_once": {
        "sv": (
            "Här är din nya API-nyckel. Kopiera den nu och spara den säkert: den visas bara den "
            "här gången."
        ),
        "en": (
            "Here is your new API token. Copy it now and keep it safe: it is shown only this once."
        ),
    },
    "web.account.token": {
        "sv": "API-nyckel",
        "en": "API token",
    },
    "web.account.token_id": {
        "sv": "Nyckelns id",
        "en": "Token id",
    },
    "web.account.revoke": {
        "sv": "Återkalla",
        "en": "Revoke",
    },
    "web.account.revoke_named": {
        "sv": "Återkalla nyckel {id}",
        "en": "Revoke token {id}",
    },
    "web.account.token_revoked": {
        "sv": "Nyckel {id} är återkallad och fungerar inte längre.",
        "en": "Token {id} has been revoked and no longer works.",
    },
    "web.audit.action.user.change": {
        "sv": "ändrade roll eller plats",
        "en": "changed role or place",
    },
    "web.audit.action.user.enable": {
        "sv": "släppte in igen",
        "en": "enabled",
    },
    "web.audit.action.user.password_link": {
        "sv": "skickade länk för lösenord",
        "en": "sent a password link",
    },
    "web.audit.detail.hours": {
        "sv": "timmar",
        "en": "hours",
    },
    "web.audit.detail.link": {
        "sv": "länk",
        "en": "link",
    },
    "web.people.caption": {
        "sv": "{count} personer",
        "sv.one": "{count} person",
        "en": "{count} people",
        "en.one": "{count} person",
    },
    "web.account.tokens_caption": {
        "sv": "{count} aktiva API-nycklar",
        "sv.one": "{count} aktiv API-nyckel",
        "en": "{count} active API tokens",
        "en.one": "{count} active API token",
    },
    "web.nav.credentials": {
        "sv": "xAPI-nycklar",
        "en": "xAPI credentials",
    },
    "web.credentials.title": {
        "sv": "xAPI-nycklar",
        "en": "xAPI credentials",
    },
    "web.credentials.help": {
        "sv": (
            "Med en nyckel och en hemlighet skickar en utbildning eller ett annat LRS sina "
            "xAPI-uttalanden hit. En kurs räknar bara uttalanden från de nycklar den litar på (se "
            "Kurser)."
        ),
        "en": (
            "With a key and a secret, a course or another LRS sends its xAPI statements here. A "
            "course counts only statements from the keys it trusts (see Courses)."
        ),
    },
    "web.credentials.new": {
        "sv": "Skapa en xAPI-nyckel",
        "en": "Create an xAPI credential",
    },
    "web.credentials.new_help": {
        "sv": "Hemligheten visas bara en gång, direkt efter att nyckeln har skapats.",
        "en": "The secret is shown only once, right after the credential is created.",
    },
    "web.credentials.label": {
        "sv": "Benämning",
        "en": "Label",
    },
    "web.credentials.label_hint": {
        "sv": (
            "Vem eller vad som använder nyckeln, till exempel Storyline-paketet Ett tryggt valår."
        ),
        "en": (
            "Who or what uses the credential, for example the Storyline package Ett tryggt valår."
        ),
    },
    "web.credentials.key": {
        "sv": "Nyckel",
        "en": "Key",
    },
    "web.credentials.secret": {
        "sv": "Hemlighet",
        "en": "Secret",
    },
    "web.credentials.endpoint": {
        "sv": "xAPI-adress",
        "en": "xAPI endpoint",
    },
    "web.credentials.scopes": {
        "sv": "Behörigheter",
        "en": "Scopes",
    },
    "web.credentials.last_use": {
        "sv": "Senast använd",
        "en": "Last used",
    },
    "web.credentials.never": {
        "sv": "Aldrig",
        "en": "Never",
    },
    "web.credentials.reports_for": {
        "sv": "Rapporterar för kurser",
        "en": "Reports for courses",
    },
    "web.credentials.create": {
        "sv": "Skapa nyckeln",
        "en": "Create the credential",
    },
    "web.credentials.not_created": {
        "sv": "Nyckeln skapades inte",
        "en": "The credential was not created",
    },
    "web.credentials.error.label": {
        "sv": "Skriv en benämning.",
        "en": "Enter a label.",
    },
    "web.credentials.error.label_long": {
        "sv": "Benämningen får vara högst 200 tecken.",
        "en": "The label has at most 200 characters.",
    },
    "web.credentials.error.scopes": {
        "sv": "Välj minst en behörighet.",
        "en": "Choose at least one scope.",
    },
    "web.credentials.created_title": {
        "sv": "Nyckeln {label} är skapad",
        "en": "The credential {label} has been created",
    },
    "web.credentials.shown_once": {
        "sv": (
            "Kopiera hemligheten nu och lämna den säkert till den som ska använda den. Den visas "
            "bara den här gången och går inte att ta fram igen."
        ),
        "en": (
            "Copy the secret now and hand it safely to whoever will use it. It is shown only this "
            "once and cannot be retrieved again."
        ),
    },
    "web.credentials.next": {
        "sv": (
            "Ange xAPI-adressen, nyckeln och hemligheten i utbildningspaketet eller i det andra "
            "LRS:et. Lägg sedan till nyckeln som rapportör på de kurser den rapporterar för."
        ),
        "en": (
            "Enter the xAPI endpoint, the key and the secret in the course package or the other "
            "LRS. Then add the key as a reporter of the courses it reports for."
        ),
    },
    "web.credentials.back": {
        "sv": "Tillbaka till xAPI-nycklarna",
        "en": "Back to the xAPI credentials",
    },
    "web.credentials.revoke_named": {
        "sv": "Återkalla {label}",
        "en": "Revoke {label}",
    },
    "web.credentials.revoked_at": {
        "sv": "Återkallad {when}",
        "en": "Revoked {when}",
    },
    "web.credentials.revoked": {
        "sv": "Nyckeln {key} är återkallad. Den fungerar inte längre.",
        "en": "The credential {key} has been revoked. It no longer works.",
    },
    "web.credentials.revoke_title": {
        "sv": "Återkalla nyckeln {label}?",
        "en": "Revoke the credential {label}?",
    },
    "web.credentials.revoke_help": {
        "sv": (
            "Nyckeln {key} slutar fungera direkt: det som skickas med den tas inte emot längre. "
            "Uttalanden som redan har tagits emot finns kvar. Det går inte att ångra."
        ),
        "en": (
            "The credential {key} stops working at once: what is sent with it is no longer "
            "accepted. Statements already received stay. This cannot be undone."
        ),
    },
    "web.credentials.revoke_courses": {
        "sv": "De här kurserna litar på nyckeln och får inga nya uttalanden från den:",
        "en": "These courses trust the credential and will get no new statements from it:",
    },
    "web.credentials.revoke_confirm": {
        "sv": "Ja, återkalla nyckeln",
        "en": "Yes, revoke the credential",
    },
    "web.credentials.scope.statements_write": {
        "sv": "skicka uttalanden",
        "en": "send statements",
    },
    "web.credentials.scope.statements_read": {
        "sv": "läsa alla uttalanden",
        "en": "read all statements",
    },
    "web.credentials.scope.statements_read_mine": {
        "sv": "läsa de egna uttalandena",
        "en": "read its own statements",
    },
    "web.credentials.scope.all_read": {
        "sv": "läsa allt",
        "en": "read everything",
    },
    "web.credentials.scope.all": {
        "sv": "allt",
        "en": "everything",
    },
    "web.credentials.scope.state": {
        "sv": "tillståndsdokument",
        "en": "state documents",
    },
    "web.credentials.scope.profile": {
        "sv": "profildokument",
        "en": "profile documents",
    },
    "web.credentials.scope.define": {
        "sv": "definiera aktiviteter",
        "en": "define activities",
    },
    "web.audit.action.credential.create": {
        "sv": "skapade xAPI-nyckel",
        "en": "created an xAPI credential",
    },
    "web.audit.action.credential.revoke": {
        "sv": "återkallade xAPI-nyckel",
        "en": "revoked an xAPI credential",
    },
    "web.audit.detail.scopes": {
        "sv": "behörigheter",
        "en": "scopes",
    },
    "web.credentials.caption": {
        "sv": "{count} xAPI-nycklar",
        "sv.one": "{count} xAPI-nyckel",
        "en": "{count} xAPI credentials",
        "en.one": "{count} xAPI credential",
    },
    "web.course.new": {
        "sv": "Lägg till en kurs",
        "en": "Add a course",
    },
    "web.course.change_title": {
        "sv": "Ändra kursen {name}",
        "en": "Change the course {name}",
    },
    "web.course.edit_named": {
        "sv": "Ändra {name}",
        "en": "Change {name}",
    },
    "web.course.name": {
        "sv": "Kursens namn",
        "en": "Name of the course",
    },
    "web.course.rule.any_of": {
        "sv": "Klar när deltagaren har slutfört eller klarat någon av aktiviteterna",
        "en": "Done when the participant has completed or passed any of the activities",
    },
    "web.course.rule.all_of": {
        "sv": "Klar när deltagaren har slutfört alla aktiviteter (varje aktivitet är ett steg)",
        "en": "Done when the participant has completed every activity (each activity is a step)",
    },
    "web.course.activities_hint": {
        "sv": "Aktivitetens id (IRI) som utbildningen skickar i sina xAPI-uttalanden, en per rad.",
        "en": "The activity id (IRI) the course sends in its xAPI statements, one per line.",
    },
    "web.course.url_hint": {
        "sv": "Där deltagaren startar utbildningen. Adressen står i påminnelserna.",
        "en": "Where the participant starts the course. The address is in the reminders.",
    },
    "web.course.description": {
        "sv": "Beskrivning",
        "en": "Description",
    },
    "web.course.no_reporters": {
        "sv": (
            "Det finns inga xAPI-nycklar eller hämtkällor att välja. Bara tjänstens egna "
            "uttalanden räknas."
        ),
        "en": (
            "There are no xAPI credentials or bridge sources to choose. Only the service's own "
            "statements count."
        ),
    },
    "web.course.save": {
        "sv": "Spara kursen",
        "en": "Save the course",
    },
    "web.course.create": {
        "sv": "Lägg till kursen",
        "en": "Add the course",
    },
    "web.course.not_saved": {
        "sv": "Kursen sparades inte",
        "en": "The course was not saved",
    },
    "web.course.used_by": {
        "sv": "Workshoppar som kräver kursen",
        "en": "Workshops that require the course",
    },
    "web.course.used_by_none": {
        "sv": "Ingen workshop kräver kursen ännu.",
        "en": "No workshop requires the course yet.",
    },
    "web.course.error.name": {
        "sv": "Skriv kursens namn, högst 200 tecken.",
        "en": "Enter the course's name, at most 200 characters.",
    },
    "web.course.error.name.taken": {
        "sv": "Det finns redan en kurs med det namnet. Välj ett annat namn.",
        "en": "A course with that name exists already. Choose another name.",
    },
    "web.course.error.rule": {
        "sv": "Välj när kursen är klar.",
        "en": "Choose when the course is done.",
    },
    "web.course.error.activities": {
        "sv": (
            "Skriv minst en aktivitets id, en fullständig IRI per rad, till exempel "
            "https://utbildning.example.se/kurs."
        ),
        "en": (
            "Enter at least one activity id, a full IRI per line, for example "
            "https://course.example.com/course."
        ),
    },
    "web.course.launch_kind_hint": {
        "sv": (
            "Hur deltagarens personliga länk startar utbildningen. En xAPI-start kräver "
            "kursens webbadress ovan. Se README om hur Storyline och Rise ställs in."
        ),
        "en": (
            "How a participant's personal link starts the course. An xAPI launch needs the "
            "course's web address above. See the README for setting up Storyline and Rise."
        ),
    },
    "web.course.error.launch_kind": {
        "sv": "Välj hur den personliga länken startar utbildningen.",
        "en": "Choose how the personal link starts the course.",
    },
    "web.course.error.url.required": {
        "sv": "Skriv kursens webbadress: en xAPI-start skickar deltagaren dit.",
        "en": "Enter the course's web address: an xAPI launch sends the participant there.",
    },
    "web.course.error.url": {
        "sv": "Skriv en fullständig webbadress som börjar med https:// eller lämna fältet tomt.",
        "en": "Enter a full web address starting with https:// or leave the field empty.",
    },
    "web.course.error.description": {
        "sv": "Beskrivningen kan inte användas. Ta bort ovanliga tecken.",
        "en": "The description cannot be used. Remove unusual characters.",
    },
    "web.course.error.credentials": {
        "sv": "En vald rapportör finns inte längre. Ladda om sidan och välj igen.",
        "en": "A chosen reporter no longer exists. Reload the page and choose again.",
    },
    # --- statement browser (issue 15: browse, search and export the statement log) ---
    "web.nav.statements": {"sv": "Utbildningshändelser", "en": "Course events"},
    "web.statements.title": {"sv": "Utbildningshändelser", "en": "Course events"},
    "web.statements.help": {
        "sv": "Här finns allt som utbildningarna har rapporterat (xAPI-uttalanden): vem som"
        " gjorde vad och när. Sök på deltagare, utbildning, aktivitet, verb eller datum."
        " Alla fält är frivilliga. Varje sökning och nedladdning loggas.",
        "en": "Everything the courses have reported (xAPI statements): who did what and"
        " when. Search by learner, course, activity, verb or date. Every field is optional."
        " Every search and download is logged.",
    },
    "web.statements.field.learner": {"sv": "Deltagare", "en": "Learner"},
    "web.statements.field.course": {"sv": "Utbildning", "en": "Course"},
    "web.statements.field.activity": {"sv": "Aktivitet", "en": "Activity"},
    "web.statements.field.verb": {"sv": "Verb", "en": "Verb"},
    "web.statements.field.since": {"sv": "Från och med", "en": "From"},
    "web.statements.field.until": {"sv": "Till och med", "en": "To"},
    "web.statements.hint.learner": {
        "sv": "e-postadress, eller konto: webbadress, mellanslag, kontonamn",
        "en": "e-mail address, or account: web address, space, account name",
    },
    "web.statements.hint.activity": {
        "sv": "aktivitetens webbadress (IRI)",
        "en": "the activity's web address (IRI)",
    },
    "web.statements.any_course": {"sv": "Alla utbildningar", "en": "All courses"},
    "web.statements.any_verb": {"sv": "Alla verb", "en": "All verbs"},
    "web.statements.verb.completed": {"sv": "slutförde (completed)", "en": "completed"},
    "web.statements.verb.passed": {"sv": "blev godkänd (passed)", "en": "passed"},
    "web.statements.verb.failed": {"sv": "blev underkänd (failed)", "en": "failed"},
    "web.statements.verb.attempted": {"sv": "påbörjade (attempted)", "en": "attempted"},
    "web.statements.verb.experienced": {"sv": "tog del av (experienced)", "en": "experienced"},
    "web.statements.verb.answered": {"sv": "svarade (answered)", "en": "answered"},
    "web.statements.verb.progressed": {"sv": "kom vidare (progressed)", "en": "progressed"},
    "web.statements.verb.initialized": {"sv": "startade (initialized)", "en": "initialized"},
    "web.statements.verb.terminated": {"sv": "avslutade (terminated)", "en": "terminated"},
    "web.statements.verb.voided": {"sv": "ogiltigförklarade (voided)", "en": "voided"},
    "web.statements.verb.satisfied": {"sv": "uppfyllde (satisfied)", "en": "satisfied"},
    "web.statements.verb.waived": {"sv": "befriades (waived)", "en": "waived"},
    "web.statements.search": {"sv": "Sök", "en": "Search"},
    "web.statements.found": {"sv": "Sökresultat", "en": "Results"},
    "web.statements.download_csv": {
        "sv": "Ladda ned urvalet som CSV (för Excel)",
        "en": "Download the selection as CSV (for Excel)",
    },
    "web.statements.download_jsonl": {
        "sv": "Ladda ned urvalet som JSON Lines",
        "en": "Download the selection as JSON Lines",
    },
    "web.statements.download_help": {
        "sv": "Nedladdningen innehåller alla händelser i urvalet, inte bara den här sidan,"
        " äldsta först.",
        "en": "The download holds every event of the selection, not only this page, oldest first.",
    },
    "web.statements.caption": {
        "sv": "{count} utbildningshändelser, senaste först",
        "en": "{count} course events, newest first",
        "sv.one": "{count} utbildningshändelse",
        "en.one": "{count} course event",
    },
    "web.statements.caption_older": {
        "sv": "{count} äldre utbildningshändelser, senaste först",
        "en": "{count} older course events, newest first",
        "sv.one": "{count} äldre utbildningshändelse",
        "en.one": "{count} older course event",
    },
    "web.statements.more_exist": {
        "sv": "(det finns äldre: se länken under tabellen)",
        "en": "(there are older ones: see the link below the table)",
    },
    "web.statements.col.stored": {"sv": "Tid", "en": "Time"},
    "web.statements.col.learner": {"sv": "Deltagare", "en": "Learner"},
    "web.statements.col.verb": {"sv": "Vad", "en": "What"},
    "web.statements.col.activity": {"sv": "Aktivitet", "en": "Activity"},
    "web.statements.col.result": {"sv": "Resultat", "en": "Result"},
    "web.statements.show": {"sv": "visa händelsen", "en": "show the event"},
    "web.statements.passed": {"sv": "godkänd", "en": "passed"},
    "web.statements.not_passed": {"sv": "inte godkänd", "en": "not passed"},
    "web.statements.completed": {"sv": "slutförd", "en": "completed"},
    "web.statements.none": {
        "sv": "Inga händelser matchar sökningen.",
        "en": "No events match the search.",
    },
    "web.statements.newest": {"sv": "Till de senaste", "en": "To the newest"},
    "web.statements.older": {"sv": "Äldre händelser", "en": "Older events"},
    "web.statement.title": {"sv": "Utbildningshändelse", "en": "Course event"},
    "web.statement.back": {"sv": "Tillbaka till sökningen", "en": "Back to the search"},
    "web.statement.voided": {
        "sv": "Händelsen är ogiltigförklarad och räknas inte.",
        "en": "The event is voided and does not count.",
    },
    "web.statement.id": {"sv": "Id", "en": "Id"},
    "web.statement.reporter": {"sv": "Rapporterad av", "en": "Reported by"},
    "web.statement.json": {
        "sv": "Händelsen som JSON, så som den lagrades",
        "en": "The event as JSON, as stored",
    },
    "web.audit.action.statements.read": {
        "sv": "sökte bland utbildningshändelser",
        "en": "searched course events",
    },
    "web.audit.action.statements.export": {
        "sv": "laddade ned utbildningshändelser",
        "en": "downloaded course events",
    },
    "web.audit.object_type.statements": {"sv": "utbildningshändelser", "en": "course events"},
    "web.audit.object_type.statement": {"sv": "utbildningshändelse", "en": "course event"},
    "web.audit.detail.filters": {"sv": "sökt på", "en": "searched by"},
    "web.audit.detail.statements": {"sv": "händelser", "en": "events"},
    # --- personal launch links and invitations (issue 14, branch links) -----------------
    "web.audit.action.invitations.send": {
        "sv": "skickade inbjudningar",
        "en": "sent invitations",
    },
    "web.audit.action.links.revoke": {
        "sv": "stängde av personliga länkar",
        "en": "turned off personal links",
    },
    "web.audit.detail.not_invited": {
        "sv": "inte inbjudna",
        "en": "not invited",
    },
    "web.audit.detail.again": {
        "sv": "även redan inbjudna",
        "en": "also those already invited",
    },
    "web.audit.detail.revoked": {
        "sv": "avstängda länkar",
        "en": "links turned off",
    },
    "web.invitations.title": {
        "sv": "Inbjudningar",
        "en": "Invitations",
    },
    "web.invitations.help": {
        "sv": (
            "Varje deltagare som inte är klar får ett e-postmeddelande med sina personliga "
            "länkar till utbildningarna, sista dag ({deadline}) och vem hen kan kontakta. "
            "Den som redan har fått en inbjudan får ingen ny. Deltagare som läggs till senare "
            "visas här och kan bjudas in var för sig."
        ),
        "en": (
            "Each participant who has not finished gets an e-mail with their personal links "
            "to the courses, the last day ({deadline}) and whom to contact. Those already "
            "invited get no new invitation. Participants added later show up here and can be "
            "invited one by one."
        ),
    },
    "web.invitations.deadline_passed": {
        "sv": "Sista dagen har passerat. Inga inbjudningar skickas.",
        "en": "The last day has passed. No invitations are sent.",
    },
    "web.invitations.to_send": {
        "sv": "Bjuds in nu ({count})",
        "en": "To be invited now ({count})",
        "sv.one": "Bjuds in nu ({count})",
        "en.one": "To be invited now ({count})",
    },
    "web.invitations.choose": {
        "sv": "Välj vilka som ska få en inbjudan",
        "en": "Choose who gets an invitation",
    },
    "web.invitations.choose_someone": {
        "sv": "Välj minst en deltagare att bjuda in.",
        "en": "Choose at least one participant to invite.",
    },
    "web.invitations.to_send_caption": {
        "sv": "Deltagare som bjuds in",
        "en": "Participants to be invited",
    },
    "web.invitations.send_col": {
        "sv": "Bjud in",
        "en": "Invite",
    },
    "web.invitations.nobody": {
        "sv": "Ingen att bjuda in just nu.",
        "en": "No one to invite right now.",
    },
    "web.invitations.send": {
        "sv": "Skicka {count} inbjudningar",
        "en": "Send {count} invitations",
        "sv.one": "Skicka {count} inbjudan",
        "en.one": "Send {count} invitation",
    },
    "web.invitations.skipped": {
        "sv": "Bjuds inte in ({count})",
        "en": "Not invited ({count})",
        "sv.one": "Bjuds inte in ({count})",
        "en.one": "Not invited ({count})",
    },
    "web.invitations.skipped_caption": {
        "sv": "Deltagare som inte bjuds in, och varför",
        "en": "Participants not invited, and why",
    },
    "web.invitations.example": {
        "sv": "Så här ser inbjudan ut",
        "en": "What the invitation looks like",
    },
    "web.invitations.example_help": {
        "sv": "Varje deltagare får sina egna länkar. Länkarna i exemplet är den första "
        "deltagarens.",
        "en": "Each participant gets their own links. The links in the example are the first "
        "participant's.",
    },
    "web.invitations.log": {
        "sv": "Skickade inbjudningar",
        "en": "Invitations sent",
    },
    "web.invitations.log_caption": {
        "sv": "Inbjudningar, senaste först",
        "en": "Invitations, latest first",
    },
    "web.invitations.none_sent": {
        "sv": "Inga inbjudningar har skickats.",
        "en": "No invitations have been sent.",
    },
    "web.invitations.not_sent": {
        "sv": "Inga inbjudningar skickades",
        "en": "No invitations were sent",
    },
    "web.invitations.after_upload": {
        "sv": "Skicka inbjudningar till deltagarna",
        "en": "Send invitations to the participants",
    },
    "web.invitations.link": {
        "sv": "Inbjudningar",
        "en": "Invitations",
    },
    "web.reminders.invitation": {
        "sv": "inbjudan",
        "en": "invitation",
    },
    "web.courses.launch_kind": {
        "sv": "Start med personlig länk",
        "en": "Start from a personal link",
    },
    "web.courses.launch_kind.xapi": {
        "sv": "xAPI-start: kursen får en egen inloggning för varje deltagare (räknas alltid)",
        "en": "xAPI launch: the course gets a credential of each participant's own (always counts)",
    },
    "web.courses.launch_kind.cmi5": {
        "sv": "cmi5-start: kursen får en egen inloggning för varje deltagare (räknas alltid)",
        "en": "cmi5 launch: the course gets a credential of each participant's own (always counts)",
    },
    "web.courses.launch_kind.link": {
        "sv": "Länk till kursens egen webbplats: deltagaren ska använda sin e-postadress där",
        "en": "A link to the course's own site: the participant uses their e-mail address there",
    },
    "web.launch.link.title": {
        "sv": "Starta utbildningen {course}",
        "en": "Start the course {course}",
    },
    "web.launch.link.hello": {
        "sv": "Hej {name}!",
        "en": "Hello {name},",
    },
    "web.launch.link.external": {
        "sv": "Utbildningen finns på en annan webbplats. Där kan du behöva logga in eller "
        "skriva in din e-postadress.",
        "en": "The course is on another website. There you may need to log in or enter "
        "your e-mail address.",
    },
    "web.launch.link.email_label": {
        "sv": "Använd den här e-postadressen:",
        "en": "Use this e-mail address:",
    },
    "web.launch.link.why": {
        "sv": "Använder du en annan e-postadress syns det inte här att du är klar.",
        "en": "If you use another e-mail address, we cannot see that you have finished.",
    },
    "web.launch.link.deadline": {
        "sv": "Genomför utbildningen senast {deadline}.",
        "en": "Complete the course by {deadline}.",
    },
    "web.launch.link.go": {
        "sv": "Gå till utbildningen {course}",
        "en": "Go to the course {course}",
    },
    "web.launch.not_found.title": {
        "sv": "Länken finns inte",
        "en": "The link does not exist",
    },
    "web.launch.not_found.text": {
        "sv": "Kontrollera att du har kopierat hela länken från e-postmeddelandet.",
        "en": "Check that you copied the whole link from the e-mail.",
    },
    "web.launch.gone.title": {
        "sv": "Länken fungerar inte längre",
        "en": "The link no longer works",
    },
    "web.launch.gone.revoked": {
        "sv": "Din personliga länk har stängts av.",
        "en": "Your personal link has been turned off.",
    },
    "web.launch.gone.expired": {
        "sv": "Din personliga länk gällde till {until}.",
        "en": "Your personal link was valid until {until}.",
    },
    "web.launch.gone.contact_title": {
        "sv": "Vem du kontaktar",
        "en": "Whom to contact",
    },
    "web.launch.gone.contact": {
        "sv": "Behöver du en ny länk? Kontakta {name}:",
        "en": "Do you need a new link? Contact {name}:",
    },
    "web.launch.gone.phone": {
        "sv": "Telefon:",
        "en": "Phone:",
    },
    "web.launch.gone.contact_default": {
        "sv": "Behöver du en ny länk? Kontakta din samordnare på länsstyrelsen.",
        "en": "Do you need a new link? Contact your coordinator at the county "
        "administrative board.",
    },
    # --- cmi5 launch (issue 14, branch cmi5): a course of several AUs -----------------
    "web.cmi5.title": {
        "sv": "Utbildningen {course}",
        "en": "The course {course}",
    },
    "web.cmi5.intro": {
        "sv": (
            "Utbildningen har {count} delar. Gör alla delar. Du kan göra dem i vilken "
            "ordning du vill och ta en paus mellan dem."
        ),
        "en": (
            "The course has {count} parts. Complete every part. You can take them in any "
            "order and pause between them."
        ),
        "sv.one": "Utbildningen har {count} del.",
        "en.one": "The course has {count} part.",
    },
    "web.cmi5.parts": {
        "sv": "Delar",
        "en": "Parts",
    },
    "web.cmi5.done": {
        "sv": "Klar",
        "en": "Done",
    },
    "web.cmi5.todo": {
        "sv": "Inte klar",
        "en": "Not done",
    },
    "web.cmi5.start": {
        "sv": "Starta {part}",
        "en": "Start {part}",
    },
    "web.cmi5.all_done": {
        "sv": "Du har gjort alla delar. Utbildningen är klar.",
        "en": "You have completed every part. The course is done.",
    },
    # --- issue 15: workshop administration (exemptions, connected learners, uploads) ---
    "web.status.exempt": {
        "sv": "Befriad",
        "en": "Exempted",
    },
    "web.exempt.link": {
        "sv": "Befria",
        "en": "Exempt",
    },
    "web.exempt.title": {
        "sv": "Befrielse från kurs – {name}",
        "en": "Exemption from a course – {name}",
    },
    "web.exempt.help": {
        "sv": (
            "En befriad deltagare behöver inte gå kursen. Hen visas som Befriad i rapporter, "
            "exporter och summor och får inga påminnelser om kursen. Skriv varför, till exempel "
            "”genomförd inför valet 2026”."
        ),
        "en": (
            "An exempted participant need not take the course. They are shown as Exempted in "
            "reports, exports and totals and get no reminders about it. Say why, for example "
            "“completed before the 2026 election”."
        ),
    },
    "web.exempt.current": {
        "sv": "Befrielser",
        "en": "Exemptions",
    },
    "web.exempt.none": {
        "sv": "Deltagaren är inte befriad från någon kurs.",
        "en": "The participant is not exempted from any course.",
    },
    "web.exempt.remove": {
        "sv": "Ta bort befrielsen",
        "en": "Remove the exemption",
    },
    "web.exempt.new": {
        "sv": "Befria från en kurs",
        "en": "Exempt from a course",
    },
    "web.exempt.course": {
        "sv": "Kurs",
        "en": "Course",
    },
    "web.exempt.reason": {
        "sv": "Skäl",
        "en": "Reason",
    },
    "web.exempt.reason_hint": {
        "sv": "högst 500 tecken",
        "en": "at most 500 characters",
    },
    "web.exempt.save": {
        "sv": "Befria",
        "en": "Exempt",
    },
    "web.exempt.back": {
        "sv": "Tillbaka till workshoppen",
        "en": "Back to the workshop",
    },
    "web.exempt.not_saved": {
        "sv": "Befrielsen sparades inte",
        "en": "The exemption was not saved",
    },
    "web.exempt.done_exempt": {
        "sv": "{name} är befriad från {course}.",
        "en": "{name} is exempted from {course}.",
    },
    "web.exempt.done_unexempt": {
        "sv": "{name} är inte längre befriad från {course}.",
        "en": "{name} is no longer exempted from {course}.",
    },
    "web.exempt.undo": {
        "sv": "Ångra",
        "en": "Undo",
    },
    "web.exempt.course.required": {
        "sv": "Välj kursen som deltagaren ska befrias från",
        "en": "Choose the course to exempt the participant from",
    },
    "web.exempt.course.not_required": {
        "sv": "Välj en av workshoppens kurser",
        "en": "Choose one of the workshop's courses",
    },
    "web.exempt.course.bad": {
        "sv": "Välj en av workshoppens kurser",
        "en": "Choose one of the workshop's courses",
    },
    "web.exempt.reason.required": {
        "sv": "Skriv skälet till befrielsen",
        "en": "Give the reason for the exemption",
    },
    "web.exempt.reason.max_length": {
        "sv": "Skälet får vara högst 500 tecken",
        "en": "The reason must be at most 500 characters",
    },
    "web.exempt.reason.control_character": {
        "sv": "Skälet ska stå på en rad",
        "en": "The reason must be on one line",
    },
    "web.exempt.reason.bad": {
        "sv": "Skriv skälet på en rad, högst 500 tecken",
        "en": "Give the reason on one line, at most 500 characters",
    },
    "web.connect.title": {
        "sv": "Kopplade identiteter – {name}",
        "en": "Connected identities – {name}",
    },
    "web.connect.help": {
        "sv": (
            "Här finns adresser och konton som {name} har använt i kurserna utöver {email}. Det "
            "som gjorts under dem räknas för {name}."
        ),
        "en": (
            "These are the addresses and accounts {name} used in the courses besides {email}. "
            "What was done under them counts for {name}."
        ),
    },
    "web.connect.done": {
        "sv": "{identity} är kopplad till {name}. Statusen är uppdaterad.",
        "en": "{identity} is connected to {name}. The status is updated.",
    },
    "web.connect.removed": {
        "sv": "{identity} är inte längre kopplad till {name}.",
        "en": "{identity} is no longer connected to {name}.",
    },
    "web.connect.undo": {
        "sv": "Ångra kopplingen",
        "en": "Undo the connection",
    },
    "web.connect.current": {
        "sv": "Kopplade adresser och konton",
        "en": "Connected addresses and accounts",
    },
    "web.connect.none": {
        "sv": "Inga adresser eller konton är kopplade.",
        "en": "No addresses or accounts are connected.",
    },
    "web.connect.remove": {
        "sv": "Ta bort kopplingen",
        "en": "Remove the connection",
    },
    "web.connect.to_learners": {
        "sv": "Till omatchade deltagare",
        "en": "To unmatched learners",
    },
    "web.connect.search_title": {
        "sv": "Koppla {identity} till en deltagare",
        "en": "Connect {identity} to a participant",
    },
    "web.connect.search": {
        "sv": "Sök deltagare",
        "en": "Search participants",
    },
    "web.connect.search_hint": {
        "sv": "namn, e-post eller kommun",
        "en": "name, e-mail or municipality",
    },
    "web.connect.search_button": {
        "sv": "Sök",
        "en": "Search",
    },
    "web.connect.found": {
        "sv": "{count} deltagare hittades",
        "en": "{count} participants found",
        "sv.one": "{count} deltagare hittades",
        "en.one": "{count} participant found",
    },
    "web.upload.confirm_removal": {
        "sv": "Ja, ta bort {count} av {total} deltagare från listan",
        "en": "Yes, remove {count} of the {total} people on the list",
        "sv.one": "Ja, ta bort {count} av {total} deltagare från listan",
        "en.one": "Yes, remove {count} of the {total} people on the list",
    },
    "web.upload.confirm_removal_missing": {
        "sv": "Kryssa i rutan om du vill ta bort {count} deltagare från listan",
        "en": "Tick the box if you want to remove {count} participants from the list",
        "sv.one": "Kryssa i rutan om du vill ta bort {count} deltagare från listan",
        "en.one": "Tick the box if you want to remove {count} participant from the list",
    },
    "web.upload.not_saved": {
        "sv": "Listan sparades inte",
        "en": "The list was not saved",
    },
    "web.requirements.title": {
        "sv": "Kurser per roll",
        "en": "Courses per role",
    },
    "web.requirements.help": {
        "sv": (
            "Kryssa i vilka roller som ska gå en kurs. En kurs utan kryss ska alla gå. "
            "Varje deltagare bedöms bara på kurserna för sin roll."
        ),
        "en": (
            "Tick the roles that must take a course. A course with nothing ticked is for "
            "everyone. Each participant is judged only on the courses of their role."
        ),
    },
    "web.requirements.who": {
        "sv": "Vilka ska gå {course}?",
        "en": "Who must take {course}?",
    },
    "web.requirements.save": {
        "sv": "Spara kurser per roll",
        "en": "Save courses per role",
    },
    "web.requirements.saved": {
        "sv": "Kurserna per roll är sparade. Rapporterna är uppdaterade.",
        "en": "The courses per role are saved. The reports are updated.",
    },
    "web.requirements.not_saved": {
        "sv": "Kurserna per roll sparades inte",
        "en": "The courses per role were not saved",
    },
    "web.requirements.one_for_everyone": {
        "sv": "Minst en kurs ska alla gå. Ta bort kryssen för den kursen.",
        "en": "At least one course must be for everyone. Untick the roles of that course.",
    },
    "web.audit.detail.course": {
        "sv": "kurs",
        "en": "course",
    },
    "web.audit.detail.courses": {
        "sv": "kurser per roll",
        "en": "courses per role",
    },
    "web.audit.detail.kind": {
        "sv": "slag",
        "en": "kind",
    },
    "web.audit.action.workshop.requirements": {
        "sv": "ändrade kurser per roll",
        "en": "changed courses per role",
    },
    "web.audit.action.participant.exempt": {
        "sv": "befriade deltagare från kurs",
        "en": "exempted participant from course",
    },
    "web.audit.action.participant.unexempt": {
        "sv": "tog bort befrielse",
        "en": "removed exemption",
    },
    "web.audit.action.participant.connect": {
        "sv": "kopplade adress eller konto till deltagare",
        "en": "connected address or account to participant",
    },
    "web.audit.action.participant.disconnect": {
        "sv": "tog bort koppling från deltagare",
        "en": "removed connection from participant",
    },
    "web.connect.button": {
        "sv": "Koppla",
        "en": "Connect",
    },
    "web.connect.more": {
        "sv": "Fler träffar finns. Skriv mer av namnet.",
        "en": "There are more matches. Type more of the name.",
    },
    "web.connect.nobody": {
        "sv": "Ingen deltagare matchar sökningen.",
        "en": "No participant matches the search.",
    },
    "web.connect.duplicate": {
        "sv": "Någon på listan har redan den adressen eller det kontot.",
        "en": "Someone on the list already has this address or account.",
    },
    "web.connect.bad_identity": {
        "sv": "Det går inte att koppla den identiteten.",
        "en": "This identity cannot be connected.",
    },
    "web.connect.not_saved": {
        "sv": "Kopplingen sparades inte",
        "en": "The connection was not saved",
    },
    "web.learners.connect": {
        "sv": "Koppla {identity} till {nearest}",
        "en": "Connect {identity} to {nearest}",
    },
    "web.learners.search": {
        "sv": "Sök deltagare att koppla till",
        "en": "Search for a participant to connect to",
    },
    "web.delete.also": {
        "sv": (
            "Deltagarnas befrielser och kopplade adresser tas bort med listan. Det som "
            "deltagarna gjort i kurserna finns kvar."
        ),
        "en": (
            "The participants' exemptions and connected addresses go with the list. What they "
            "did in the courses is kept."
        ),
    },
    # --- single sign-on (issue 20) ----------------------------------------------------------
    "web.audit.action.user.sso_create": {
        "sv": "skapade konto vid första inloggning via identitetsleverantör",
        "en": "created an account at first log-in through an identity provider",
    },
    "web.audit.detail.provider": {
        "sv": "identitetsleverantör",
        "en": "identity provider",
    },
    "web.audit.detail.rule": {
        "sv": "regel nr",
        "en": "rule no.",
    },
    "web.sso.login_with": {
        "sv": "Logga in med {provider}",
        "en": "Log in with {provider}",
    },
    "web.sso.password_heading": {
        "sv": "Eller logga in med e-post och lösenord",
        "en": "Or log in with e-mail and password",
    },
    "web.sso.password_off": {
        "sv": "Inloggning med lösenord är avstängd. Logga in med din organisations inloggning.",
        "en": "Log-in with a password is switched off. Log in through your organisation.",
    },
    "web.sso.failed.title": {
        "sv": "Inloggningen gick inte att slutföra",
        "en": "The log-in could not be completed",
    },
    "web.sso.failed.text": {
        "sv": "Svaret från inloggningstjänsten godtogs inte. Det kan bero på att det tog för "
        "lång tid, att inloggningen redan har använts eller att den började i en annan "
        "webbläsare. Försök logga in igen.",
        "en": "The answer from the identity provider was not accepted. It may have taken too "
        "long, the log-in may have been used already, or it began in another browser. Try "
        "logging in again.",
    },
    "web.sso.failed.again": {
        "sv": "Till inloggningen",
        "en": "Back to log-in",
    },
    "web.sso.refused.title": {
        "sv": "Du har inget konto i tjänsten",
        "en": "You have no account in this service",
    },
    "web.sso.refused.unknown": {
        "sv": "Du loggade in med {provider}, men det finns inget konto i tjänsten med din "
        "e-postadress, och din organisation ger inte rätt till ett konto automatiskt.",
        "en": "You logged in with {provider}, but there is no account in this service with "
        "your e-mail address, and your organisation does not give one automatically.",
    },
    "web.sso.refused.no_email": {
        "sv": "Du loggade in med {provider}, men inloggningstjänsten skickade ingen "
        "e-postadress, så vi kan inte veta vilket konto som är ditt.",
        "en": "You logged in with {provider}, but the identity provider sent no e-mail "
        "address, so we cannot tell which account is yours.",
    },
    "web.sso.refused.unverified": {
        "sv": "Du loggade in med {provider}, men inloggningstjänsten har inte bekräftat din "
        "e-postadress, så vi kan inte veta vilket konto som är ditt.",
        "en": "You logged in with {provider}, but the identity provider has not verified "
        "your e-mail address, so we cannot tell which account is yours.",
    },
    "web.sso.refused.disabled": {
        "sv": "Ditt konto i tjänsten är avstängt.",
        "en": "Your account in this service is disabled.",
    },
    "web.sso.refused.ask_title": {
        "sv": "Vem kan hjälpa dig?",
        "en": "Who can help you?",
    },
    "web.sso.refused.ask": {
        "sv": "Be om ett konto hos {contact}. Berätta vilken organisation du arbetar för och "
        "vilket län eller vilken kommun du ska följa upp.",
        "en": "Ask {contact} for an account. Say which organisation you work for and which "
        "county or municipality you follow up.",
    },
    "web.sso.refused.ask_default": {
        "sv": "Be om ett konto hos den som administrerar tjänsten på din länsstyrelse eller "
        "hos Valmyndigheten.",
        "en": "Ask whoever administers the service at your county administrative board, or "
        "the Election Authority, for an account.",
    },
    "web.sso.refused.back": {
        "sv": "Till inloggningen",
        "en": "Back to log-in",
    },
    "web.sso.logout.title": {
        "sv": "Du är utloggad",
        "en": "You are logged out",
    },
    "web.sso.logout.text": {
        "sv": "Du är utloggad från tjänsten. Nu loggas du också ut hos din organisations "
        "inloggningstjänst.",
        "en": "You are logged out of this service. Now you are also logged out at your "
        "organisation's identity provider.",
    },
    "web.sso.logout.continue": {
        "sv": "Fortsätt till utloggningen hos inloggningstjänsten",
        "en": "Continue to log out at the identity provider",
    },
    # --- personal data: the information page (issue 16) ---
    "web.privacy.title": {
        "sv": "Så behandlar vi dina personuppgifter",
        "en": "How we process your personal data",
    },
    "web.privacy.intro": {
        "sv": (
            "Den här sidan beskriver vilka uppgifter tjänsten sparar om deltagare i "
            "valsäkerhetsworkshoppar, varför, hur länge, vem som ser dem och vem du kontaktar."
        ),
        "en": (
            "This page describes what the service stores about participants in election "
            "security workshops, why, for how long, who sees it and whom to contact."
        ),
    },
    "web.privacy.purged": {
        "sv": (
            "Deltagarlistan, framstegen och deltagarnas lärandeposter gallrades {day} enligt "
            "beslutet om gallring. Ingen visas därför som ej påbörjad."
        ),
        "en": (
            "The participant list, progress and the participants' learning records were "
            "purged on {day} under the retention rules, so nobody is shown as not started."
        ),
    },
    "web.privacy.admin_title": {
        "sv": "Personuppgifter och gallring",
        "en": "Personal data and retention",
    },
    "web.privacy.rules_title": {"sv": "Gallringsregler", "en": "Retention rules"},
    "web.privacy.rule.workshop": {
        "sv": (
            "Deltagarlistor, framsteg, påminnelser och deltagarnas lärandeposter: "
            "{value} månader efter workshoppens datum"
        ),
        "en": (
            "Participant lists, progress, reminders and the participants' statements: "
            "{value} months after the workshop date"
        ),
    },
    "web.privacy.rule.unmatched": {
        "sv": "Lärandeposter som inte matchar någon deltagare: {value} månader",
        "en": "Statements matching no participant: {value} months",
    },
    "web.privacy.rule.audit": {
        "sv": "Granskningsloggen: {value} år",
        "en": "The audit log: {value} years",
    },
    "web.privacy.rule.off": {"sv": "avstängd", "en": "off"},
    "web.privacy.mode": {
        "sv": "Vid radering av en person: {mode}",
        "en": "When a person is erased: {mode}",
    },
    "web.privacy.mode.delete": {
        "sv": "lärandeposterna raderas",
        "en": "their statements are deleted",
    },
    "web.privacy.mode.pseudonymise": {
        "sv": "lärandeposterna pseudonymiseras",
        "en": "their statements are pseudonymised",
    },
    "web.privacy.preview": {
        "sv": "Visa vad som skulle gallras nu",
        "en": "Show what would be purged now",
    },
    "web.privacy.preview_title": {"sv": "Skulle gallras nu", "en": "Would be purged now"},
    "web.privacy.preview_none": {
        "sv": "Ingenting skulle gallras nu.",
        "en": "Nothing would be purged now.",
    },
    "web.privacy.extract_title": {"sv": "Registerutdrag", "en": "Register extract"},
    "web.privacy.extract_help": {
        "sv": "Allt tjänsten har om en person, sökt på e-postadress. Beställningen loggas.",
        "en": (
            "Everything the service holds about a person, by e-mail address. The request is logged."
        ),
    },
    "web.privacy.email": {"sv": "E-postadress", "en": "E-mail address"},
    "web.privacy.format": {"sv": "Format", "en": "Format"},
    "web.privacy.extract": {"sv": "Hämta registerutdrag", "en": "Download the register extract"},
    "web.privacy.not_extracted": {
        "sv": "Registerutdraget kunde inte hämtas",
        "en": "The register extract could not be made",
    },
    "web.privacy.email.invalid": {
        "sv": "Skriv en e-postadress, till exempel namn@kommun.se",
        "en": "Enter an e-mail address, for example name@kommun.se",
    },
    "web.privacy.email.not_found": {
        "sv": "Inga uppgifter hittades om den e-postadressen",
        "en": "Nothing was found about that e-mail address",
    },
    "web.privacy.kind": {"sv": "Slag", "en": "Kind"},
    "web.privacy.count": {"sv": "Antal", "en": "Count"},
    "web.privacy.link": {"sv": "Om personuppgifter", "en": "About personal data"},
    "web.privacy.controller_title": {
        "sv": "Vem ansvarar och vem kontaktar du",
        "en": "Who is responsible and whom to contact",
    },
    "web.privacy.purposes_title": {
        "sv": "Varför vi behandlar uppgifterna",
        "en": "Why we process the data",
    },
    "web.privacy.categories_title": {"sv": "Vilka uppgifter vi sparar", "en": "What we store"},
    "web.privacy.recipients_title": {"sv": "Vem som ser uppgifterna", "en": "Who sees the data"},
    "web.privacy.retention_title": {
        "sv": "Hur länge uppgifterna sparas",
        "en": "How long the data is kept",
    },
    "web.privacy.rights_title": {"sv": "Dina rättigheter", "en": "Your rights"},
    # --- background sends (usability test F13: send in the background) ---------------------
    "web.sending.title.reminders": {
        "sv": "Utskick av påminnelser",
        "en": "Sending reminders",
    },
    "web.sending.title.invitations": {
        "sv": "Utskick av inbjudningar",
        "en": "Sending invitations",
    },
    "web.sending.as_of": {
        "sv": "Läget {when}",
        "en": "Status at {when}",
    },
    "web.sending.counts": {
        "sv": "{sent} av {total} skickade, {failed} misslyckades, {left} återstår.",
        "en": "{sent} of {total} sent, {failed} failed, {left} still to go.",
        "sv.one": "{sent} av {total} skickad, {failed} misslyckades, {left} återstår.",
        "en.one": "{sent} of {total} sent, {failed} failed, {left} still to go.",
    },
    "web.sending.running.reminders": {
        "sv": (
            "Påminnelserna skickas nu, en i taget. Du kan lämna sidan: utskicket fortsätter. "
            "Sidan uppdateras inte av sig själv. Välj ”Visa läget igen” för att se hur långt "
            "det har kommit."
        ),
        "en": (
            "The reminders are being sent now, one at a time. You may leave the page: sending "
            "goes on. The page does not update itself. Choose “Show the status again” to see "
            "how far it has come."
        ),
    },
    "web.sending.running.invitations": {
        "sv": (
            "Inbjudningarna skickas nu, en i taget. Du kan lämna sidan: utskicket fortsätter. "
            "Sidan uppdateras inte av sig själv. Välj ”Visa läget igen” för att se hur långt "
            "det har kommit."
        ),
        "en": (
            "The invitations are being sent now, one at a time. You may leave the page: "
            "sending goes on. The page does not update itself. Choose “Show the status "
            "again” to see how far it has come."
        ),
    },
    "web.sending.done.reminders": {
        "sv": "Utskicket är klart. {count} påminnelser skickades.",
        "en": "Sending has finished. {count} reminders were sent.",
        "sv.one": "Utskicket är klart. {count} påminnelse skickades.",
        "en.one": "Sending has finished. {count} reminder was sent.",
    },
    "web.sending.done.invitations": {
        "sv": "Utskicket är klart. {count} inbjudningar skickades.",
        "en": "Sending has finished. {count} invitations were sent.",
        "sv.one": "Utskicket är klart. {count} inbjudan skickades.",
        "en.one": "Sending has finished. {count} invitation was sent.",
    },
    "web.sending.skipped.reminders": {
        "sv": "{count} av de valda fick ingen påminnelse (se sidan Påminnelser för varför).",
        "en": "{count} of those chosen got no reminder (the Reminders page says why).",
        "sv.one": "{count} av de valda fick ingen påminnelse (se sidan Påminnelser för varför).",
        "en.one": "{count} of those chosen got no reminder (the Reminders page says why).",
    },
    "web.sending.skipped.invitations": {
        "sv": "{count} av de valda fick ingen inbjudan (se sidan Inbjudningar för varför).",
        "en": "{count} of those chosen got no invitation (the Invitations page says why).",
        "sv.one": "{count} av de valda fick ingen inbjudan (se sidan Inbjudningar för varför).",
        "en.one": "{count} of those chosen got no invitation (the Invitations page says why).",
    },
    "web.sending.refresh": {
        "sv": "Visa läget igen",
        "en": "Show the status again",
    },
    "web.sending.failed_title": {
        "sv": "Fick inget e-postmeddelande ({count})",
        "en": "Got no e-mail ({count})",
        "sv.one": "Fick inget e-postmeddelande ({count})",
        "en.one": "Got no e-mail ({count})",
    },
    "web.sending.back.reminders": {
        "sv": "Tillbaka till påminnelserna",
        "en": "Back to the reminders",
    },
    "web.sending.back.invitations": {
        "sv": "Tillbaka till inbjudningarna",
        "en": "Back to the invitations",
    },
    "web.reminders.status.queued": {
        "sv": "väntar på att skickas",
        "en": "waiting to be sent",
    },
    "web.reminders.error.stopped": {
        "sv": "Tjänsten stoppades innan e-postmeddelandet skickades. Det kan skickas igen.",
        "en": "The service stopped before the e-mail was sent. It can be sent again.",
    },
    "web.reminders.help_failed.stopped": {
        "sv": "Skicka igen till dem som inte fick något.",
        "en": "Send again to those who got nothing.",
    },
    "web.audit.detail.planned": {
        "sv": "att skicka",
        "en": "to send",
    },
    "web.audit.detail.run": {
        "sv": "utskick",
        "en": "send",
    },
}


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    entry = CATALOGUE[key]
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    template = entry[language]
    if values.get("count") == 1:
        template = entry.get(language + ".one", template)
    return template.format(**values)
