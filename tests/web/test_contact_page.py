"""The county's contact person on the county page (usability test F4): shown to everyone who
sees the county, changed by its admins in a form with the GOV.UK error summary."""

from __future__ import annotations

from tests.web.test_pages import World, csrf_of, log_in, world  # noqa: F401


async def test_the_contact_form_shows_every_error_then_saves(world: World) -> None:  # noqa: F811
    http = world.http
    await log_in(http, "karl@lst.example")
    county = await http.get("/counties/21")
    assert "Ingen kontaktperson är angiven." in county.text
    assert 'href="/counties/21/contact"' in county.text
    form = await http.get("/counties/21/contact")
    assert form.status_code == 200
    refused = await http.post(
        "/counties/21/contact",
        data={"csrf": csrf_of(form.text), "name": "", "email": "karin@lst", "phone": "ring"},
    )
    assert refused.status_code == 400
    assert "<title>Fel:" in refused.text and 'id="error-summary"' in refused.text
    for field, message in [
        ("name", "Skriv kontaktpersonens namn"),
        ("email", "Skriv e-postadressen som namn@lansstyrelsen.se"),
        ("phone", "Skriv telefonnumret med siffror, till exempel 010-225 10 00"),
    ]:
        assert f'<a href="#{field}">{message}</a>' in refused.text
        assert f'id="{field}-error"' in refused.text
    assert 'value="karin@lst"' in refused.text  # what was typed is kept
    assert await world.services.reports.county_contact("21") is None

    saved = await http.post(
        "/counties/21/contact",
        data={
            "csrf": csrf_of(form.text),
            "name": "Karin Berg",
            "email": "karin.berg@lst.example",
            "phone": "010-225 10 00",
            "organisation": "Länsstyrelsen Gävleborg",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/counties/21#contact"
    county = await http.get("/counties/21")
    assert "Karin Berg, Länsstyrelsen Gävleborg" in county.text
    assert "karin.berg@lst.example</a>, 010-225 10 00" in county.text


async def test_only_the_countys_admins_change_it(world: World) -> None:  # noqa: F811
    http = world.http
    await log_in(http, "karl@lst.example")
    assert (await http.get("/counties/14/contact")).status_code == 404


async def test_a_coordinator_sees_the_contact_but_cannot_change_it(world: World) -> None:  # noqa: F811
    from reports.contacts import Contact

    await world.services.reports.contacts.put(
        Contact("21", "Karin Berg", "karin.berg@lst.example"), world.services.reports.clock(), None
    )
    http = world.http
    await log_in(http, "olle@gavle.example")
    assert (await http.get("/counties/21/contact")).status_code == 403
    county = await http.get("/counties/21")
    assert "Karin Berg" in county.text and 'href="/counties/21/contact"' not in county.text
