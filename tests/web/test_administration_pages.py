"""Issue 15 in the pages (httpx over ASGI): a county admin exempts a participant with a
reason and undoes it, connects an unmatched learner from the suggestion or a search and
undoes it; every change audited; another county's admin and coordinators are refused."""

from __future__ import annotations

import re

from lrs_bridge.auth.access import Principal, Role
from tests.reports.helpers import COMPLETED, INTRO, mbox, send, statement
from tests.web.test_pages import World, csrf_of, log_in, settings, world

__all__ = ["settings", "world"]

REASON = "genomförd inför valet 2026"
NATIONAL = Principal(user_id=0, role=Role.NATIONAL_ADMIN)


async def _sven(world: World) -> str:
    people = await world.services.reports.list_participants(world.gavle.id)
    return next(p.id for p in people if p.name == "Sven Sandvik")


async def test_a_county_admin_exempts_a_participant_and_undoes_it(world: World) -> None:
    http, reports = world.http, world.services.reports
    sven = await _sven(world)
    url = f"/workshops/{world.gavle.id}/participants/{sven}/exemptions"
    await log_in(http, "karl@lst.example")
    page = await http.get(f"/workshops/{world.gavle.id}")
    assert f'href="{url}">Befria<span class="visually-hidden"> Sven Sandvik</span>' in page.text
    form = await http.get(url)
    assert form.status_code == 200 and "Befrielse från kurs – Sven Sandvik" in form.text
    csrf = csrf_of(form.text)
    wrong = await http.post(url, data={"csrf": csrf, "course": "valmyndigheten-introduktion"})
    assert wrong.status_code == 400 and "Befrielsen sparades inte" in wrong.text
    assert '<a href="#reason">Skriv skälet till befrielsen</a>' in wrong.text
    assert 'id="course-valmyndigheten-introduktion" name="course"' in wrong.text
    done = await http.post(
        url, data={"csrf": csrf, "course": "valmyndigheten-introduktion", "reason": REASON}
    )
    assert done.status_code == 303
    shown = await http.get(done.headers["location"])
    assert "Sven Sandvik är befriad från Introduktionsutbildning i valsäkerhet." in shown.text
    assert REASON in shown.text and "Ångra" in shown.text
    report = await reports.workshop_readiness(world.gavle.id)
    assert report.totals.exempt == 1 and report.totals.completed_on_time == 1
    workshop = await http.get(f"/workshops/{world.gavle.id}")
    assert '<span class="badge exempt">Befriad</span>' in workshop.text
    csv = await http.get(f"/workshops/{world.gavle.id}/export.csv")
    assert "Befriad" in csv.content.decode("utf-8-sig")
    county = await http.get("/counties/21")
    assert ">Befriad</th>" in county.text
    undone = await http.post(
        f"{url}/remove", data={"csrf": csrf, "course": "valmyndigheten-introduktion"}
    )
    assert undone.status_code == 303
    assert "inte längre befriad" in (await http.get(undone.headers["location"])).text
    assert (await reports.workshop_readiness(world.gavle.id)).totals.exempt == 0
    actions = [e.action for e in await world.services.audit.entries(NATIONAL, county="21")]
    assert "participant.exempt" in actions and "participant.unexempt" in actions
    http.cookies.clear()

    # Another county's admin: not found; a coordinator: not allowed.
    await log_in(http, "lisa@lst.example")
    assert (await http.get(url)).status_code == 404
    csrf = csrf_of((await http.get("/counties/14")).text)
    refused = await http.post(
        url, data={"csrf": csrf, "course": "valmyndigheten-introduktion", "reason": REASON}
    )
    assert refused.status_code == 404
    assert await reports.exemptions(world.gavle.id) == []
    http.cookies.clear()
    await log_in(http, "olle@gavle.example")
    assert (await http.get(url)).status_code == 403


async def test_a_county_admin_connects_an_unmatched_learner_and_undoes_it(world: World) -> None:
    http, reports = world.http, world.services.reports
    sven = await _sven(world)
    await send(world.services, statement(mbox("s.sandvik@sandviken.example"), COMPLETED, INTRO))
    await reports.catch_up()
    await log_in(http, "karl@lst.example")
    learners = await http.get("/learners")
    # Not close to any address, but of the county's domain: shown, with a search.
    assert "s.sandvik@sandviken.example" in learners.text
    search = re.search(r'href="(/learners/connect\?identity=[^"]+)"', learners.text)
    assert search is not None
    found = await http.get(search.group(1).replace("&amp;", "&") + "&q=sven")
    assert found.status_code == 200 and "Sven Sandvik" in found.text
    action = f"/workshops/{world.gavle.id}/participants/{sven}/identities"
    assert f'action="{action}"' in found.text
    connected = await http.post(
        action, data={"csrf": csrf_of(found.text), "identity": "mbox:s.sandvik@sandviken.example"}
    )
    assert connected.status_code == 303
    page = await http.get(connected.headers["location"])
    assert "s.sandvik@sandviken.example är kopplad till Sven Sandvik" in page.text
    report = await reports.workshop_readiness(world.gavle.id)
    assert report.totals.completed_on_time == 2  # Anna, and Sven at once
    assert "s.sandvik@sandviken.example" not in (await http.get("/learners")).text
    undone = await http.post(
        f"{action}/remove",
        data={"csrf": csrf_of(page.text), "identity": "mbox:s.sandvik@sandviken.example"},
    )
    assert undone.status_code == 303
    assert (await reports.workshop_readiness(world.gavle.id)).totals.completed_on_time == 1
    actions = [e.action for e in await world.services.audit.entries(NATIONAL, county="21")]
    assert "participant.connect" in actions and "participant.disconnect" in actions
    http.cookies.clear()

    # Västra Götaland's admin never sees nor connects Gävleborg's learner.
    await log_in(http, "lisa@lst.example")
    assert "s.sandvik@sandviken.example" not in (await http.get("/learners")).text
    assert (await http.get(search.group(1).replace("&amp;", "&"))).status_code == 404
    csrf = csrf_of((await http.get("/counties/14")).text)
    refused = await http.post(
        action, data={"csrf": csrf, "identity": "mbox:s.sandvik@sandviken.example"}
    )
    assert refused.status_code == 404
    assert await reports.connected_identities(world.gavle.id) == []


async def test_an_upload_that_removes_everyone_needs_the_box_ticked(world: World) -> None:
    http, reports = world.http, world.services.reports
    await log_in(http, "karl@lst.example")
    url = f"/workshops/{world.gavle.id}/upload"
    csrf = csrf_of((await http.get(url)).text)
    content = "Namn;E-post;Kommun\r\nNy Person;ny@gavle.example;Gävle\r\n".encode()
    preview = await http.post(
        url, data={"csrf": csrf}, files={"file": ("ny.csv", content, "text/csv")}
    )
    assert preview.status_code == 200
    assert 'type="checkbox" id="confirm_removal" name="confirm_removal"' in preview.text
    assert "Ja, ta bort 2 av 2 deltagare från listan" in preview.text
    hidden = dict(re.findall(r'name="(content|filename)" value="([^"]*)"', preview.text))
    form = {"csrf": csrf, "confirm": "1", **hidden}
    unticked = await http.post(url, data=form)
    assert unticked.status_code == 400 and "Listan sparades inte" in unticked.text
    assert '<a href="#confirm_removal">Kryssa i rutan' in unticked.text
    assert 'aria-describedby="confirm_removal-error"' in unticked.text
    assert len(await reports.list_participants(world.gavle.id)) == 2
    saved = await http.post(url, data={**form, "confirm_removal": "1"})
    assert saved.status_code == 200
    assert [p.name for p in await reports.list_participants(world.gavle.id)] == ["Ny Person"]


async def test_a_county_admin_sets_courses_per_role(world: World) -> None:
    http, reports = world.http, world.services.reports
    skr = "skr-ett-tryggt-valar"
    await reports.change_workshop(world.gavle.id, {"courses": ["valmyndigheten-introduktion", skr]})
    url = f"/workshops/{world.gavle.id}/requirements"
    await log_in(http, "karl@lst.example")
    assert (
        f'href="{url}">Kurser per roll</a>' in (await http.get(f"/workshops/{world.gavle.id}")).text
    )
    form = await http.get(url)
    assert "Vilka ska gå Ett tryggt valår?" in form.text
    csrf = csrf_of(form.text)
    both = await http.post(
        url,
        data={
            "csrf": csrf,
            "roles-valmyndigheten-introduktion": "valnämnd",
            f"roles-{skr}": "valnämnd",
        },
    )
    assert both.status_code == 400 and "Kurserna per roll sparades inte" in both.text
    assert '<a href="#roles-valmyndigheten-introduktion-valsamordnare">' in both.text
    saved = await http.post(url, data={"csrf": csrf, f"roles-{skr}": "valnämnd"})
    assert saved.status_code == 303
    assert "Kurserna per roll är sparade" in (await http.get(saved.headers["location"])).text
    assert await reports.workshop_requirements(world.gavle.id) == {skr: ("valnämnd",)}
    # Anna (role other) did the introduction: done, as SKR's course is not hers.
    report = await reports.workshop_readiness(world.gavle.id)
    anna = next(e for e in report.participants if e.participant.name == "Anna Andersson")
    assert anna.status == "completed_on_time"
    http.cookies.clear()
    await log_in(http, "lisa@lst.example")
    assert (await http.get(url)).status_code == 404
    http.cookies.clear()
    await log_in(http, "olle@gavle.example")
    assert (await http.get(url)).status_code == 403
