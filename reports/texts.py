"""The texts of the readiness domain — e-mails, exports, upload checks, dates — in one
catalogue, Swedish first and English second, so that it can be reviewed and translated in
one place. The web pages have their own catalogue (``lrs_bridge.web.texts``).

Texts are ``str.format`` templates; ``text(key, language, **values)`` fills one in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

CATALOGUE: dict[str, dict[str, str]] = {
    "reminder.subject": {
        "sv": "Påminnelse: genomför {course} senast {deadline}",
        "en": "Reminder: complete {course} by {deadline}",
    },
    "reminder.body": {
        "sv": (
            "Hej {name}!\n\n"
            "Du är anmäld till {workshop} den {workshop_date}. Innan workshoppen behöver du "
            "genomföra utbildningen {course}. Enligt våra uppgifter har du inte slutfört den "
            "ännu.\n\n"
            "Genomför utbildningen senast {deadline}:\n{course_url}\n\n"
            "Logga in i utbildningen med e-postadressen {email}. Annars syns det inte här "
            "att du är klar.\n\n"
            "Har du redan slutfört den med en annan e-postadress? Kontakta då "
            "{contact}.\n\n"
            "Vänliga hälsningar\n{signature}\n"
        ),
        "en": (
            "Hello {name},\n\n"
            "You are registered for {workshop} on {workshop_date}. Before the workshop you "
            "need to complete the course {course}. According to our records you have not "
            "finished it yet.\n\n"
            "Please complete the course by {deadline}:\n{course_url}\n\n"
            "Log in to the course with the e-mail address {email}. Otherwise we cannot see "
            "that you have finished.\n\n"
            "Did you already complete it with another e-mail address? Then contact "
            "{contact}.\n\n"
            "Kind regards\n{signature}\n"
        ),
    },
    "reminder.contact.default": {
        "sv": "din samordnare på länsstyrelsen",
        "en": "your coordinator at the county administrative board",
    },
    "reminder.contact.named": {
        "sv": "{name} ({email}), eller svara på det här meddelandet",
        "en": "{name} ({email}), or reply to this message",
    },
    "reminder.skipped.recent": {
        "sv": "påmind {when}, inom {hours} timmar",
        "en": "reminded {when}, within {hours} hours",
    },
    "reminder.skipped.deadline_passed": {
        "sv": "sista dagen ({deadline}) har passerat",
        "en": "the last day ({deadline}) has passed",
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
        "sv": "Klar efter sista dag",
        "en": "Completed late",
    },
    "export.status.in_progress": {
        "sv": "Påbörjad",
        "en": "In progress",
    },
    "export.status.not_started": {
        "sv": "Inte påbörjad",
        "en": "Not started",
    },
    "export.role.other": {
        "sv": "övrig",
        "en": "other",
    },
    "export.creator": {
        "sv": "Valsäkerhetsutbildningen – uppföljning",
        "en": "Election-security training – follow-up",
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
        "sv": "Uppgifter till och med",
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
        "sv": "Sista dag",
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
    # --- a participant list's problems, one row at a time (klarspråk: what is wrong, how
    # to put it right) ---
    "upload.problem.empty": {
        "sv": "Filen är tom. Spara deltagarlistan med rubrikerna Namn, E-post och Kommun.",
        "en": "The file is empty. Save the participant list with the headings Name, E-mail "
        "and Municipality.",
    },
    "upload.problem.column_missing": {
        "sv": (
            "Kolumnen {column} saknas. Rubrikerna ska stå på en rad bland de tio första, "
            "till exempel Namn, E-post och Kommun."
        ),
        "en": (
            "The column {column} is missing. The headings must be on one of the first ten "
            "rows, for example Namn, E-post and Kommun."
        ),
    },
    "upload.problem.control_character": {
        "sv": "Cellen innehåller en radbrytning eller ett osynligt styrtecken. Ta bort det.",
        "en": "The cell contains a line break or an invisible control character. Remove it.",
    },
    "upload.problem.name_missing": {
        "sv": "Namnet saknas. Fyll i deltagarens namn.",
        "en": "The name is missing. Fill in the participant's name.",
    },
    "upload.problem.name_long": {
        "sv": "Namnet är längre än 200 tecken. Korta det.",
        "en": "The name is longer than 200 characters. Shorten it.",
    },
    "upload.problem.email_missing": {
        "sv": "E-postadressen saknas. Fyll i deltagarens e-postadress.",
        "en": "The e-mail address is missing. Fill in the participant's e-mail address.",
    },
    "upload.problem.email_bad": {
        "sv": "E-postadressen {email} är felskriven. Skriv den som namn@exempel.se.",
        "en": "The e-mail address {email} is not valid. Write it as name@example.com.",
    },
    "upload.problem.email_comma": {
        "sv": (
            "E-postadressen {email} är felskriven: den har ett kommatecken där det ska vara "
            "en punkt."
        ),
        "en": "The e-mail address {email} is not valid: it has a comma where a dot belongs.",
    },
    "upload.problem.email_duplicate": {
        "sv": "E-postadressen {email} finns redan på rad {line}. Ta bort den ena raden.",
        "en": "The e-mail address {email} is already on row {line}. Remove one of the rows.",
    },
    "upload.problem.account_duplicate": {
        "sv": "Kontot i lärplattformen finns redan på rad {line}. Ta bort den ena raden.",
        "en": "The learning-platform account is already on row {line}. Remove one of the rows.",
    },
    "upload.problem.municipality_missing": {
        "sv": "Kommunen saknas. Skriv kommunens namn, till exempel Gävle.",
        "en": "The municipality is missing. Write the municipality's name, for example Gävle.",
    },
    "upload.problem.municipality_unknown": {
        "sv": (
            "Det finns ingen kommun som heter {value}. Skriv kommunens namn eller dess "
            "fyrsiffriga kommunkod."
        ),
        "en": (
            "There is no municipality called {value}. Write the municipality's name or its "
            "four-digit code."
        ),
    },
    "upload.problem.municipality_guess": {
        "sv": "Det finns ingen kommun som heter {value}. Menade du {guess}?",
        "en": "There is no municipality called {value}. Did you mean {guess}?",
    },
    "upload.problem.municipality_outside": {
        "sv": "{municipality} ligger i {actual}, inte i {county}. Workshoppen gäller {county}.",
        "en": "{municipality} is in {actual}, not in {county}. The workshop is for {county}.",
    },
    "upload.warning.role_other": {
        "sv": "Rollen '{value}' finns inte i listan och sparas som Övrig.",
        "en": "The role '{value}' is not on the list and is saved as Other.",
    },
    "upload.problem.account_half": {
        "sv": (
            "Ett konto i lärplattformen behöver både adressen till lärplattformen och "
            "användarnamnet. Fyll i båda eller ingen."
        ),
        "en": (
            "A learning-platform account needs both the platform's address and the user "
            "name. Fill in both or neither."
        ),
    },
    "upload.problem.account_url": {
        "sv": "Adressen till lärplattformen, {value}, är ingen webbadress. Skriv den som https://…",
        "en": "The platform's address, {value}, is not a web address. Write it as https://…",
    },
    "upload.not_a_list": {
        "sv": (
            "Filen är inte en CSV- eller Excel-fil. Öppna deltagarlistan i Excel och spara den "
            "som Excel-arbetsbok (.xlsx) eller CSV, och ladda upp den igen."
        ),
        "en": (
            "The file is not a CSV or Excel file. Open the participant list in Excel, save it "
            "as an Excel workbook (.xlsx) or as CSV, and upload it again."
        ),
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
    # --- the API's validation messages, by rule ({field} is the field's path) ---
    "api.rule.required": {
        "sv": "Fyll i {field}.",
        "en": "Fill in {field}.",
    },
    "api.rule.type": {
        "sv": "{field} har fel typ av värde. Se API-beskrivningen.",
        "en": "{field} has the wrong type of value. See the API description.",
    },
    "api.rule.max_length": {
        "sv": "{field} är för lång. Korta texten.",
        "en": "{field} is too long. Shorten the text.",
    },
    "api.rule.length": {
        "sv": "{field} har fel längd.",
        "en": "{field} has the wrong length.",
    },
    "api.rule.max_items": {
        "sv": "{field} har för många värden.",
        "en": "{field} has too many values.",
    },
    "api.rule.min_items": {
        "sv": "{field} behöver minst ett värde.",
        "en": "{field} needs at least one value.",
    },
    "api.rule.control_character": {
        "sv": "{field} får inte innehålla radbrytningar eller osynliga styrtecken.",
        "en": "{field} must not contain line breaks or invisible control characters.",
    },
    "api.rule.unknown_field": {
        "sv": "Fältet {field} finns inte. Ta bort det.",
        "en": "There is no field {field}. Remove it.",
    },
    "api.rule.bad_email": {
        "sv": "Skriv {field} som en e-postadress, till exempel namn@lansstyrelsen.se.",
        "en": "Write {field} as an e-mail address, for example name@example.se.",
    },
    "api.rule.bad_phone": {
        "sv": "Skriv {field} som ett telefonnummer med siffror, till exempel 010-225 10 00.",
        "en": "Write {field} as a phone number in digits, for example 010-225 10 00.",
    },
    "api.rule.url": {
        "sv": "Skriv {field} som en webbadress som börjar med https://.",
        "en": "Write {field} as a web address starting with https://.",
    },
    "api.rule.iri": {
        "sv": "Skriv {field} som en webbadress (IRI).",
        "en": "Write {field} as a web address (IRI).",
    },
    "api.rule.date": {
        "sv": "Skriv {field} som ÅÅÅÅ-MM-DD, till exempel 2027-02-02.",
        "en": "Write {field} as YYYY-MM-DD, for example 2027-02-02.",
    },
    "api.rule.datetime": {
        "sv": "Skriv {field} som ÅÅÅÅ-MM-DDTTT:MM, till exempel 2027-02-01T16:00.",
        "en": "Write {field} as YYYY-MM-DDTHH:MM, for example 2027-02-01T16:00.",
    },
    "api.rule.county": {
        "sv": "{field} är ingen länskod. Länskoder är tvåsiffriga, till exempel 21.",
        "en": "{field} is not a county code. County codes have two digits, for example 21.",
    },
    "api.rule.unknown_county": {
        "sv": "Länet finns inte. Länskoder är tvåsiffriga, till exempel 21.",
        "en": "There is no such county. County codes have two digits, for example 21.",
    },
    "api.rule.unknown_municipality": {
        "sv": "Kommunen finns inte. Skriv kommunens namn eller fyrsiffriga kod.",
        "en": "There is no such municipality. Write its name or four-digit code.",
    },
    "api.rule.municipality_outside_county": {
        "sv": "Kommunen ligger inte i workshoppens län.",
        "en": "The municipality is not in the workshop's county.",
    },
    "api.rule.unknown_course": {
        "sv": "Kursen finns inte.",
        "en": "There is no such course.",
    },
    "api.rule.unknown_credential": {
        "sv": "Nyckeln finns inte.",
        "en": "There is no such key.",
    },
    "api.rule.unknown_source": {
        "sv": "Källan finns inte.",
        "en": "There is no such source.",
    },
    "api.rule.duplicate": {
        "sv": "{field} finns redan.",
        "en": "{field} is already there.",
    },
    "api.rule.immutable": {
        "sv": "{field} kan inte ändras.",
        "en": "{field} cannot be changed.",
    },
    "api.rule.enum": {
        "sv": "{field} har ett värde som inte finns bland de tillåtna.",
        "en": "{field} has a value that is not among those allowed.",
    },
    "api.rule.slug": {
        "sv": "{field} får bara innehålla små bokstäver a–z, siffror och bindestreck.",
        "en": "{field} may only contain lower-case letters a–z, digits and hyphens.",
    },
    "api.rule.format": {
        "sv": (
            "Filen gick inte att läsa som en deltagarlista. Spara den som Excel-arbetsbok "
            "(.xlsx) eller CSV."
        ),
        "en": (
            "The file could not be read as a participant list. Save it as an Excel workbook "
            "(.xlsx) or CSV."
        ),
    },
    "api.rule.not_a_list": {
        "sv": "Filen är inte en CSV- eller Excel-fil.",
        "en": "The file is not a CSV or Excel file.",
    },
    "api.rule.media_type": {
        "sv": "Skicka listan som text/csv eller som XLSX-fil.",
        "en": "Send the list as text/csv or as an XLSX file.",
    },
    "api.rule.invalid": {
        "sv": "{field} har ett värde som inte går att använda.",
        "en": "{field} has a value that cannot be used.",
    },
    "api.rule.xlsx_members": {
        "sv": (
            "Excelfilen tas inte emot. Spara listan som en vanlig Excel-arbetsbok (.xlsx) eller "
            "CSV."
        ),
        "en": "The Excel file is refused. Save the list as a plain Excel workbook (.xlsx) or CSV.",
    },
    "api.rule.xlsx_part": {
        "sv": (
            "Excelfilen tas inte emot. Spara listan som en vanlig Excel-arbetsbok (.xlsx) eller "
            "CSV."
        ),
        "en": "The Excel file is refused. Save the list as a plain Excel workbook (.xlsx) or CSV.",
    },
    "api.rule.xlsx_member_size": {
        "sv": (
            "Excelfilen tas inte emot. Spara listan som en vanlig Excel-arbetsbok (.xlsx) eller "
            "CSV."
        ),
        "en": "The Excel file is refused. Save the list as a plain Excel workbook (.xlsx) or CSV.",
    },
    "api.rule.xlsx_total_size": {
        "sv": (
            "Excelfilen tas inte emot. Spara listan som en vanlig Excel-arbetsbok (.xlsx) eller "
            "CSV."
        ),
        "en": "The Excel file is refused. Save the list as a plain Excel workbook (.xlsx) or CSV.",
    },
    "api.rule.xlsx_ratio": {
        "sv": (
            "Excelfilen tas inte emot. Spara listan som en vanlig Excel-arbetsbok (.xlsx) eller "
            "CSV."
        ),
        "en": "The Excel file is refused. Save the list as a plain Excel workbook (.xlsx) or CSV.",
    },
    # --- issue 15, people: the set-password e-mail (branch admin-people) ---
    "api.rule.scope": {
        "sv": "{field}: du kan bara hantera samordnare i ditt eget län.",
        "en": "{field}: you can only manage coordinators in your own county.",
    },
    "api.rule.national": {
        "sv": "En nationell administratör har inget län eller kommun ({field}).",
        "en": "A national administrator has no county or municipality ({field}).",
    },
    "api.rule.county_admin": {
        "sv": "En länsadministratör har hela länet, ingen kommun ({field}).",
        "en": "A county administrator has the whole county, no municipality ({field}).",
    },
    "api.rule.self": {
        "sv": "Du kan inte ändra din egen roll eller stänga av dig själv ({field}).",
        "en": "You cannot change your own role or disable yourself ({field}).",
    },
    "api.rule.disabled": {
        "sv": "Personen är avstängd ({field}).",
        "en": "The person is disabled ({field}).",
    },
    "api.rule.enabled": {
        "sv": "Personen är inte avstängd ({field}).",
        "en": "The person is not disabled ({field}).",
    },
    "api.rule.wrong": {
        "sv": "{field} är fel.",
        "en": "{field} is wrong.",
    },
    "api.rule.exists": {
        "sv": "{field} finns inte.",
        "en": "{field} does not exist.",
    },
    "api.rule.mail": {
        "sv": "E-postmeddelandet kunde inte skickas ({field}). Försök igen senare.",
        "en": "The e-mail could not be sent ({field}). Try again later.",
    },
    "api.rule.link": {
        "sv": "Länken är redan använd, för gammal eller felaktig ({field}).",
        "en": "The link has been used already, is too old or is wrong ({field}).",
    },
    "api.rule.password_length": {
        "sv": "{field} behöver vara minst 12 tecken.",
        "en": "{field} needs at least 12 characters.",
    },
    "people.password_link.subject": {
        "sv": "Välj ditt lösenord till {app} / Choose your password",
        "en": "Choose your password for {app}",
    },
    "people.password_link.body": {
        "sv": (
            "Hej!\n\n"
            "Du har ett konto i {app} med e-postadressen {email}. Välj ditt lösenord "
            "genom att öppna länken nedan. Länken fungerar en gång och till och med "
            "{expires}.\n\n{link}\n\n"
            "Har du inte väntat dig det här meddelandet kan du bortse från det.\n\n"
            "---\n\n"
            "You have an account in {app} with the e-mail address {email}. Choose your "
            "password by opening the link above. It works once, until {expires_en}.\n"
        ),
        "en": (
            "Hello,\n\n"
            "You have an account in {app} with the e-mail address {email}. Choose your "
            "password by opening the link below. It works once, until {expires_en}.\n\n"
            "{link}\n\n"
            "If you did not expect this message, you can ignore it.\n\n"
            "---\n\n"
            "Du har ett konto i {app} med e-postadressen {email}. Välj ditt lösenord genom "
            "att öppna länken ovan. Den fungerar en gång och till och med {expires}.\n"
        ),
    },
    # --- statement browser (issue 15: browse, search and export the statement log) ---
    "statements.problem.learner": {
        "sv": "Skriv deltagaren som en e-postadress, till exempel anna@kommun.se, eller som"
        " ett konto: webbadress, mellanslag, kontonamn",
        "en": "Enter the learner as an e-mail address, for example anna@kommun.se, or as an"
        " account: web address, space, account name",
    },
    "statements.problem.course": {
        "sv": "Välj en utbildning från listan",
        "en": "Choose a course from the list",
    },
    "statements.problem.activity": {
        "sv": "Skriv aktiviteten som en webbadress (IRI), till exempel https://kurs.se/modul-1",
        "en": "Enter the activity as a web address (IRI), for example https://kurs.se/modul-1",
    },
    "statements.problem.activity_not_in_course": {
        "sv": "Aktiviteten hör inte till den valda utbildningen. Ta bort den ena eller välj"
        " en aktivitet i utbildningen",
        "en": "The activity is not part of the chosen course. Remove one of them or enter"
        " an activity of the course",
    },
    "statements.problem.verb": {
        "sv": "Välj ett verb från listan",
        "en": "Choose a verb from the list",
    },
    "statements.problem.date": {
        "sv": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01",
        "en": "Enter the date as YYYY-MM-DD, for example 2026-03-01",
    },
    "statements.problem.until_before_since": {
        "sv": "Slutdatumet måste vara samma dag som startdatumet eller senare",
        "en": "The end date must be the same as the start date or later",
    },
    "statements.problem.too_long": {
        "sv": "Texten är för lång. Korta den",
        "en": "The text is too long. Shorten it",
    },
    "statements.problem.format": {
        "sv": "Välj format jsonl eller csv",
        "en": "Choose the format jsonl or csv",
    },
    "statements.yes": {"sv": "ja", "en": "yes"},
    "statements.no": {"sv": "nej", "en": "no"},
    "statements.column.stored": {"sv": "Lagrad", "en": "Stored"},
    "statements.column.id": {"sv": "Id", "en": "Id"},
    "statements.column.learner": {"sv": "Deltagare", "en": "Learner"},
    "statements.column.learner_name": {"sv": "Namn", "en": "Name"},
    "statements.column.verb": {"sv": "Verb", "en": "Verb"},
    "statements.column.verb_name": {"sv": "Verbets namn", "en": "Verb name"},
    "statements.column.object": {"sv": "Aktivitet", "en": "Activity"},
    "statements.column.object_name": {"sv": "Aktivitetens namn", "en": "Activity name"},
    "statements.column.completion": {"sv": "Slutförd", "en": "Completed"},
    "statements.column.success": {"sv": "Godkänd", "en": "Passed"},
    "statements.column.score": {"sv": "Resultat (0–1)", "en": "Score (0–1)"},
    "statements.column.registration": {"sv": "Registrering", "en": "Registration"},
    "statements.column.reporter": {"sv": "Rapporterad av", "en": "Reported by"},
    # --- cmi5 course import (issue 14): a refused cmi5.xml or package names the element --
    "cmi5.rule.xml_syntax": {
        "sv": "{element} är inte giltig XML (rad {line}, kolumn {column}).",
        "en": "{element} is not well-formed XML (line {line}, column {column}).",
    },
    "cmi5.rule.xml_forbidden": {
        "sv": "{element} får inte innehålla en DTD eller entiteter.",
        "en": "{element} must not contain a DTD or entities.",
    },
    "cmi5.rule.root": {
        "sv": "Rotelementet ska vara courseStructure i cmi5:s namnrymd, inte {element}.",
        "en": "The root element must be courseStructure in the cmi5 namespace, not {element}.",
    },
    "cmi5.rule.namespace": {
        "sv": "{element} saknar namnrymd. Elementen ska ligga i cmi5:s namnrymd.",
        "en": "{element} has no namespace. The elements must be in the cmi5 namespace.",
    },
    "cmi5.rule.required": {
        "sv": "{element} saknas eller är tomt. Det krävs i en cmi5-kursstruktur.",
        "en": "{element} is missing or empty. A cmi5 course structure requires it.",
    },
    "cmi5.rule.duplicate": {
        "sv": "{element} får bara finnas en gång.",
        "en": "{element} may appear only once.",
    },
    "cmi5.rule.unknown_element": {
        "sv": "{element} är inte ett element som cmi5 tillåter på den platsen.",
        "en": "{element} is not an element cmi5 allows in that place.",
    },
    "cmi5.rule.iri": {
        "sv": "{element} ska vara en fullständig IRI, till exempel https://exempel.se/kurs/1.",
        "en": "{element} must be a fully qualified IRI, for example https://example.com/course/1.",
    },
    "cmi5.rule.duplicate_id": {
        "sv": "{element} har samma id som ett annat element. Id ska vara unika i kursen.",
        "en": "{element} has the same id as another element. Ids must be unique in the course.",
    },
    "cmi5.rule.enum": {
        "sv": "{element} ska vara något av: {allowed}.",
        "en": "{element} must be one of: {allowed}.",
    },
    "cmi5.rule.mastery_score": {
        "sv": "{element} ska vara ett decimaltal från 0 till 1 med högst fyra decimaler.",
        "en": "{element} must be a decimal from 0 to 1 with at most four decimals.",
    },
    "cmi5.rule.max_length": {
        "sv": "{element} är för lång.",
        "en": "{element} is too long.",
    },
    "cmi5.rule.max_depth": {
        "sv": "Blocken i {element} är nästlade för djupt.",
        "en": "The blocks in {element} are nested too deep.",
    },
    "cmi5.rule.empty_block": {
        "sv": "{element} är ett block utan AU eller block i sig.",
        "en": "{element} is a block with no AU or block in it.",
    },
    "cmi5.rule.too_many_aus": {
        "sv": "Kursen har för många AU ({element}).",
        "en": "The course has too many AUs ({element}).",
    },
    "cmi5.rule.url": {
        "sv": "{element} ska vara en webbadress utan mellanslag.",
        "en": "{element} must be a URL without spaces.",
    },
    "cmi5.rule.url_scheme": {
        "sv": "{element} ska börja med https:// eller http://.",
        "en": "{element} must start with https:// or http://.",
    },
    "cmi5.rule.relative_url": {
        "sv": (
            "{element} är en relativ adress. En ensam cmi5.xml måste ha fullständiga adresser; "
            "ladda upp ett zip-paket om filerna ska följa med."
        ),
        "en": (
            "{element} is a relative URL. A cmi5.xml on its own needs fully qualified URLs; "
            "upload a zip package if the files come with it."
        ),
    },
    "cmi5.rule.missing_file": {
        "sv": "{element} pekar på {file}, som inte finns i paketet.",
        "en": "{element} points to {file}, which is not in the package.",
    },
    "cmi5.rule.missing_structure": {
        "sv": "Zip-paketet saknar cmi5.xml i sin rotmapp.",
        "en": "The zip package has no cmi5.xml in its root folder.",
    },
    "cmi5.rule.zip": {
        "sv": "{element} går inte att läsa som zip-fil.",
        "en": "{element} cannot be read as a zip file.",
    },
    "cmi5.rule.zip_bomb": {
        "sv": "{element} är packad orimligt hårt och tas inte emot.",
        "en": "{element} is compressed implausibly hard and is not accepted.",
    },
    "cmi5.rule.unsafe_path": {
        "sv": "Sökvägen {element} i paketet är inte tillåten (absolut, .. eller en länk).",
        "en": "The path {element} in the package is not allowed (absolute, .. or a link).",
    },
    "cmi5.rule.encrypted": {
        "sv": "{element} är krypterad i zip-filen. Packa paketet utan lösenord.",
        "en": "{element} is encrypted in the zip file. Pack it without a password.",
    },
    "cmi5.rule.duplicate_file": {
        "sv": "{element} finns två gånger i paketet.",
        "en": "{element} is in the package twice.",
    },
    "cmi5.rule.too_many_files": {
        "sv": "Paketet innehåller för många filer.",
        "en": "The package holds too many files.",
    },
    "cmi5.rule.too_large": {
        "sv": "{element} är för stort.",
        "en": "{element} is too large.",
    },
    # --- personal launch links and invitations (issue 14, branch links) -----------------
    "invitation.subject": {
        "sv": "Inbjudan: genomför {course} senast {deadline}",
        "en": "Invitation: complete {course} by {deadline}",
    },
    "invitation.body": {
        "sv": (
            "Hej {name}!\n\n"
            "Du är anmäld till {workshop} den {workshop_date}. Innan workshoppen behöver du "
            "genomföra utbildningen {course}.\n\n"
            "Genomför utbildningen senast {deadline}. Använd din personliga länk, så syns det "
            "här när du är klar:\n{course_url}\n\n"
            "Länken är din egen. Dela den inte med någon annan.\n\n"
            "Om utbildningen ber dig logga in: använd e-postadressen {email}.\n\n"
            "Har du frågor? Kontakta {contact}.\n\n"
            "Vänliga hälsningar\n{signature}\n"
        ),
        "en": (
            "Hello {name},\n\n"
            "You are registered for {workshop} on {workshop_date}. Before the workshop you "
            "need to complete the course {course}.\n\n"
            "Complete the course by {deadline}. Use your personal link, so that we can see "
            "when you are done:\n{course_url}\n\n"
            "The link is yours alone. Do not share it with anyone.\n\n"
            "If the course asks you to log in: use the e-mail address {email}.\n\n"
            "Questions? Contact {contact}.\n\n"
            "Kind regards\n{signature}\n"
        ),
    },
    "invitation.skipped.already": {
        "sv": "har redan fått en inbjudan",
        "en": "has already been invited",
    },
    "api.rule.learner_actor": {
        "sv": "{field}: en personlig länk får bara skicka uppgifter om sin egen deltagare.",
        "en": "{field}: a personal launch may only send data about its own participant.",
    },
    "api.rule.learner_registration": {
        "sv": "{field}: en personlig länk får bara skicka uppgifter i sin egen registrering.",
        "en": "{field}: a personal launch may only send data in its own registration.",
    },
    "api.rule.learner_resource": {
        "sv": "{field}: en personlig länk får inte ändra detta.",
        "en": "{field}: a personal launch may not change this.",
    },
    "api.rule.unknown_participant": {
        "sv": "{field}: deltagaren finns inte på listan.",
        "en": "{field}: the participant is not on the list.",
    },
    "api.rule.no_link": {
        "sv": "{field}: det finns ingen sådan personlig länk.",
        "en": "{field}: there is no such personal link.",
    },
    # --- issue 15: workshop administration (exemptions) ---------------------------------
    "export.status.exempt": {
        "sv": "Befriad",
        "en": "Exempted",
    },
    "export.not_required": {
        "sv": "Krävs inte för rollen",
        "en": "Not required for the role",
    },
    "api.rule.one_for_everyone": {
        "sv": "{field}: minst en av workshoppens kurser ska krävas av alla.",
        "en": "{field}: at least one of the workshop's courses must be required of everyone.",
    },
    "api.rule.unknown_role": {
        "sv": "{field}: rollen finns inte.",
        "en": "{field}: there is no such role.",
    },
    "api.rule.not_required": {
        "sv": "{field}: workshoppen kräver inte den kursen.",
        "en": "{field}: the workshop does not require this course.",
    },
    "api.rule.bad_identity": {
        "sv": "{field} ska vara mbox:ADRESS, mbox_sha1sum:SHA1 eller account:WEBBADRESS NAMN.",
        "en": "{field} must be mbox:ADDRESS, mbox_sha1sum:SHA1 or account:HOMEPAGE NAME.",
    },
    # --- personal data: register extract, erasure, retention (issue 16) ---
    "privacy.controller": {
        "sv": "Personuppgiftsansvarig: {organisation}. Kontakt om personuppgifter: {contact}.",
        "en": "Controller: {organisation}. Contact about personal data: {contact}.",
    },
    "privacy.purposes": {
        "sv": (
            "Vi behandlar uppgifterna för att planera valsäkerhetsworkshoppar, följa upp att "
            "deltagarna har genomfört de obligatoriska utbildningarna före workshoppen och "
            "påminna dem som inte är klara. Rättslig grund: uppgift av allmänt intresse "
            "(artikel 6.1 e i dataskyddsförordningen)."
        ),
        "en": (
            "We process the data to plan election security workshops, to follow up that "
            "participants have completed the required courses before the workshop, and to "
            "remind those who have not. Legal basis: a task carried out in the public "
            "interest (GDPR article 6(1)(e))."
        ),
    },
    "privacy.categories": {
        "sv": (
            "Namn, e-postadress i tjänsten, kommun och roll (från deltagarlistan); konto i "
            "utbildningsplattformen om listan anger det; vilka utbildningssteg du har "
            "påbörjat och slutfört och när (lärandeposter, xAPI); sparat läge i "
            "utbildningen; påminnelser som skickats till dig; för användare av tjänsten "
            "även konto, roll och API-nycklar."
        ),
        "en": (
            "Name, work e-mail address, municipality and role (from the participant list); "
            "a learning platform account if the list gives one; which course steps you "
            "started and completed and when (learning records, xAPI); saved course state; "
            "reminders sent to you; for users of the service also their account, role and "
            "API tokens."
        ),
    },
    "privacy.retention": {
        "sv": (
            "Deltagarlistor, framsteg, påminnelser och deltagarnas lärandeposter gallras "
            "{workshop_months} månader efter workshoppens datum. Lärandeposter som aldrig "
            "matchat någon deltagare gallras efter {unmatched_months} månader. "
            "Granskningsloggen gallras efter {audit_years} år. (0 betyder att regeln är "
            "avstängd.)"
        ),
        "en": (
            "Participant lists, progress, reminders and the participants' learning records "
            "are removed {workshop_months} months after the workshop date. Learning records "
            "that never matched a participant are removed after {unmatched_months} months. "
            "The audit log is removed after {audit_years} years. (0 means the rule is off.)"
        ),
    },
    "privacy.recipients": {
        "sv": (
            "Länsstyrelsens och kommunens samordnare för valsäkerhet ser uppgifterna om "
            "deltagarna i sitt län eller sin kommun; Valmyndigheten ser hela landet. "
            "Lärandeposter kan vidarebefordras till andra lärplattformar (LRS) som "
            "tjänsten är kopplad till."
        ),
        "en": (
            "The county administrative board's and the municipality's election security "
            "coordinators see the data of participants in their county or municipality; "
            "the Election Authority sees the whole country. Learning records may be "
            "forwarded to other learning record stores the service is connected to."
        ),
    },
    "privacy.rights": {
        "sv": (
            "Du har rätt att få ett registerutdrag, att få felaktiga uppgifter rättade och, "
            "i den mån arkivlagstiftningen tillåter, att få uppgifter raderade. Du kan "
            "klaga hos Integritetsskyddsmyndigheten (IMY)."
        ),
        "en": (
            "You have the right to a copy of your data, to have wrong data corrected and, "
            "as far as archive law allows, to have data erased. You may complain to the "
            "Swedish Authority for Privacy Protection (IMY)."
        ),
    },
    "privacy.nothing_found": {
        "sv": "Inga uppgifter hittades om den personen. Ingenting har ändrats.",
        "en": "Nothing was found about that person. Nothing has been changed.",
    },
    "privacy.sheet.about": {"sv": "Om utdraget", "en": "About"},
    "privacy.sheet.participants": {"sv": "Deltagare", "en": "Participants"},
    "privacy.sheet.progress": {"sv": "Framsteg", "en": "Progress"},
    "privacy.sheet.reminders": {"sv": "Påminnelser", "en": "Reminders"},
    "privacy.sheet.county_contacts": {"sv": "Kontaktperson", "en": "County contact"},
    "privacy.sheet.connected_identities": {
        "sv": "Kopplade adresser och konton",
        "en": "Connected identities",
    },
    "privacy.sheet.exemptions": {"sv": "Befrielser", "en": "Exemptions"},
    "privacy.sheet.cmi5_registrations": {"sv": "cmi5-registreringar", "en": "cmi5 registrations"},
    "privacy.sheet.statements": {"sv": "Lärandeposter", "en": "Statements"},
    "privacy.sheet.attachments": {"sv": "Bilagor", "en": "Attachments"},
    "privacy.sheet.documents": {"sv": "Sparat läge", "en": "Documents"},
    "privacy.sheet.agent_names": {"sv": "Namn i lärandeposter", "en": "Agent names"},
    "privacy.sheet.users": {"sv": "Användarkonto", "en": "User account"},
    "privacy.sheet.tokens": {"sv": "API-nycklar", "en": "API tokens"},
    "privacy.sheet.audit": {"sv": "Granskningslogg", "en": "Audit log"},
    "privacy.sheet.forwarded_to": {"sv": "Vidarebefordrat till", "en": "Forwarded to"},
    "reminder.privacy": {
        "sv": "Så behandlar vi dina personuppgifter: {url}",
        "en": "How we process your personal data: {url}",
    },
    "privacy.extract.title": {
        "sv": "Registerutdrag för {email}, {generated}",
        "en": "Register extract for {email}, {generated}",
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


def problem_text(detail: Mapping[str, Any], language: str) -> str:
    """One problem of a refused request in ``language``: the row problem's own text (an
    uploaded list), else the text of its rule naming the field (``api.rule.*``)."""
    key = detail.get("key")
    if isinstance(key, str) and key in CATALOGUE:
        return text(key, language, **dict(detail.get("values") or {}))
    field = str(detail.get("field") or detail.get("path") or "")
    rule = f"api.rule.{detail.get('rule')}"
    return text(rule if rule in CATALOGUE else "api.rule.invalid", language, field=field)


def long_date(day: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """'18 januari 2026' / '18 January 2026' (a date or a datetime)."""
    months = _MONTHS_SV if language == "sv" else _MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def long_datetime(moment: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """'17 januari 2026 kl. 23.59' (Språkrådet's style) / '17 January 2026 at 23:59'
    (local time given)."""
    if language == "sv":
        return f"{long_date(moment, language)} kl. {moment:%H.%M}"
    return f"{long_date(moment, language)} at {moment:%H:%M}"
