"""F9 on the workshop page: the progress a course reported, never "0 %" next to
"Påbörjad"; "–" when the course said nothing of how far."""

from __future__ import annotations

from tests.reports.helpers import ATTEMPTED, INTRO, mbox, send, statement
from tests.web.test_pages import World, log_in, world  # noqa: F401

EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"


async def test_the_workshop_page_shows_reported_progress(world: World) -> None:  # noqa: F811
    services, http = world.services, world.http
    sven = mbox("sven@sandviken.example")
    await send(services, statement(sven, ATTEMPTED, INTRO))
    await services.reports.catch_up()
    await log_in(http, "karl@lst.example")
    page_before = (await http.get(f"/workshops/{world.gavle.id}")).text
    row = page_before[page_before.index("Sven Sandvik") :].split("</tr>")[0]
    assert "Påbörjad" in row and "<td>–</td>" in row and "0\u00a0%" not in row
    await send(
        services,
        statement(sven, PROGRESSED, INTRO, result={"extensions": {EXTENSION: 50}}),
    )
    await services.reports.catch_up()
    page = (await http.get(f"/workshops/{world.gavle.id}")).text
    row = page[page.index("Sven Sandvik") :].split("</tr>")[0]
    assert "<td>50\u00a0%</td>" in row
