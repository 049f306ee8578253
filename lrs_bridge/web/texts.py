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
    "web.reminders.result": {
        "sv": "Resultat",
        "en": "Result",
    },
    "web.reminders.result_counts": {
        "sv": "{sent} skickade, {failed} misslyckades, {skipped} fick ingen påminnelse.",
        "en": "{sent} sent, {failed} failed, {skipped} skipped.",
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
}


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    entry = CATALOGUE[key]
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    template = entry[language]
    if values.get("count") == 1:
        template = entry.get(language + ".one", template)
    return template.format(**values)
