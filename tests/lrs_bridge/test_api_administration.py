"""Issue 15 in the API: exemptions and connected learner identities (with undo, audited,
refused outside the person's scope), and a participant list that would remove everyone,
or more than half, saved only when the caller confirms it."""

from __future__ import annotations

from typing import Any

from tests.lrs_bridge.test_api import LIST, Api, api, error
from tests.reports.helpers import COMPLETED, INTRO, mbox, send, statement

__all__ = ["api"]

INTRO_ID = "valmyndigheten-introduktion"


async def _list(api: Api) -> tuple[str, dict[str, str]]:
    workshop = await api.workshop()
    url = f"/api/v1/workshops/{workshop['id']}/participants"
    answer = await api.http.put(
        url, content=LIST.encode(), headers={**api.admin, "Content-Type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    people = (await api.http.get(url, headers=api.admin)).json()["participants"]
    return workshop["id"], {p["name"]: p["id"] for p in people}


async def _actions(api: Api) -> list[str]:
    answer = await api.http.get("/api/v1/audit", headers=api.national)
    return [entry["action"] for entry in answer.json()["entries"]]


async def test_exemptions_are_made_listed_and_undone(api: Api) -> None:
    workshop_id, ids = await _list(api)
    url = f"/api/v1/workshops/{workshop_id}/participants/{ids['Bo Berg']}/exemptions"
    made = await api.http.post(
        url, json={"course": INTRO_ID, "reason": "genomförd inför valet 2026"}, headers=api.admin
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    assert (body["course_id"], body["reason"]) == (INTRO_ID, "genomförd inför valet 2026")
    assert body["created_by"] == str(api.admin_id)
    listed = (await api.http.get(url, headers=api.admin)).json()["exemptions"]
    assert [e["course_id"] for e in listed] == [INTRO_ID]
    report = (
        await api.http.get(f"/api/v1/workshops/{workshop_id}/readiness", headers=api.admin)
    ).json()
    assert report["totals"]["exempt"] == 1 and report["totals"]["total"] == 2
    bo = next(p for p in report["participants"] if p["participant"]["name"] == "Bo Berg")
    assert bo["status"] == "exempt" and bo["courses"][0]["exemption"] == body["reason"]
    csv = await api.http.get(
        f"/api/v1/workshops/{workshop_id}/readiness?format=csv", headers=api.admin
    )
    assert "Befriad" in csv.content.decode("utf-8-sig")
    nation = (await api.http.get("/api/v1/readiness", headers=api.national)).json()
    assert nation["totals"]["exempt"] == 1

    bad = await api.http.post(url, json={"course": INTRO_ID, "reason": ""}, headers=api.admin)
    assert error(bad, 400)["details"][0]["path"] == "reason"
    bad = await api.http.post(url, json={"course": "nej", "reason": "x"}, headers=api.admin)
    assert error(bad, 400)["details"][0]["rule"] == "not_required"
    # Another county's admin: the participant does not exist for them.
    other = await api.http.post(url, json={"course": INTRO_ID, "reason": "x"}, headers=api.other)
    error(other, 404)
    error(await api.http.delete(f"{url}/{INTRO_ID}", headers=api.other), 404)

    undone = await api.http.delete(f"{url}/{INTRO_ID}", headers=api.admin)
    assert undone.status_code == 200 and undone.json()["course_id"] == INTRO_ID
    error(await api.http.delete(f"{url}/{INTRO_ID}", headers=api.admin), 404)
    actions = await _actions(api)
    assert "participant.exempt" in actions and "participant.unexempt" in actions


async def test_a_learner_is_connected_and_disconnected(api: Api) -> None:
    workshop_id, ids = await _list(api)
    await send(api.services, statement(mbox("bo.b@sandviken.se"), COMPLETED, INTRO))
    await api.services.reports.catch_up()
    unmatched = await api.http.get("/api/v1/learners/unmatched", headers=api.admin)
    assert [u["identity"] for u in unmatched.json()["learners"]] == ["mbox:bo.b@sandviken.se"]
    url = f"/api/v1/workshops/{workshop_id}/participants/{ids['Bo Berg']}/identities"
    # Västra Götaland's admin names the learner in their own participant's request: 403.
    other_workshop = await api.http.post(
        "/api/v1/workshops",
        json={"county": "14", "title": "VG", "date": "2030-01-18"},
        headers=api.other,
    )
    other_url = f"/api/v1/workshops/{other_workshop.json()['id']}/participants"
    person = await api.http.post(
        other_url,
        json={"name": "Gun", "email": "gun@goteborg.se", "municipality": "1480"},
        headers=api.other,
    )
    refused = await api.http.post(
        f"{other_url}/{person.json()['id']}/identities",
        json={"email": "bo.b@sandviken.se"},
        headers=api.other,
    )
    assert error(refused, 403)["details"][0]["path"] == "identity"
    error(await api.http.post(url, json={"email": "bo.b@sandviken.se"}, headers=api.other), 404)

    connected = await api.http.post(url, json={"email": "Bo.B@Sandviken.se"}, headers=api.admin)
    assert connected.status_code == 201, connected.text
    assert connected.json()["identity"] == "mbox:bo.b@sandviken.se"
    report = (
        await api.http.get(f"/api/v1/workshops/{workshop_id}/readiness", headers=api.admin)
    ).json()
    bo = next(p for p in report["participants"] if p["participant"]["name"] == "Bo Berg")
    assert bo["status"] == "completed_on_time"
    listed = (await api.http.get(url, headers=api.admin)).json()["identities"]
    assert [i["identity"] for i in listed] == ["mbox:bo.b@sandviken.se"]
    again = await api.http.post(url, json={"email": "bo.b@sandviken.se"}, headers=api.admin)
    error(again, 409)
    bad = await api.http.post(url, json={"identity": "openid:x"}, headers=api.admin)
    assert error(bad, 400)["details"][0]["rule"] == "bad_identity"
    error(await api.http.delete(url, headers=api.admin), 400)

    undone = await api.http.delete(url + "?identity=mbox:bo.b@sandviken.se", headers=api.admin)
    assert undone.status_code == 200
    unmatched = await api.http.get("/api/v1/learners/unmatched", headers=api.admin)
    assert len(unmatched.json()["learners"]) == 1
    actions = await _actions(api)
    assert "participant.connect" in actions and "participant.disconnect" in actions


async def test_a_list_that_removes_more_than_half_needs_confirmation(api: Api) -> None:
    workshop_id, _ = await _list(api)
    url = f"/api/v1/workshops/{workshop_id}/participants"
    headers = {**api.admin, "Content-Type": "text/csv"}
    one_new = "Namn;E-post;Kommun\r\nCarl Ny;carl@gavle.se;Gävle\r\n".encode()
    dry = await api.http.put(url + "?dry_run=true", content=one_new, headers=headers)
    assert dry.json()["confirmation_needed"] is True and len(dry.json()["removed"]) == 2
    refused = await api.http.put(url, content=one_new, headers=headers)
    assert error(refused, 409)["details"][0]["rule"] == "confirm_removal"
    people = (await api.http.get(url, headers=api.admin)).json()["participants"]
    assert sorted(p["name"] for p in people) == ["Anna Andersson", "Bo Berg"]
    # Removing one of two is half, not more: no confirmation.
    keep_one = LIST.rsplit("Bo Berg", 1)[0].rsplit("\r\n", 1)[0] + "\r\n"
    half = await api.http.put(url + "?dry_run=true", content=keep_one.encode(), headers=headers)
    assert half.json()["confirmation_needed"] is False and len(half.json()["removed"]) == 1
    saved = await api.http.put(url + "?confirm_removal=true", content=one_new, headers=headers)
    assert saved.status_code == 200 and len(saved.json()["removed"]) == 2


async def test_requirements_per_role(api: Api) -> None:
    workshop = await api.workshop(courses=[INTRO_ID, "skr-ett-tryggt-valar"])
    url = f"/api/v1/workshops/{workshop['id']}/requirements"
    assert (await api.http.get(url, headers=api.admin)).json() == {"requirements": {}}
    answer = await api.http.put(
        url, json={"requirements": {"skr-ett-tryggt-valar": ["valnämnd"]}}, headers=api.admin
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"requirements": {"skr-ett-tryggt-valar": ["valnämnd"]}}
    bad = await api.http.put(
        url, json={"requirements": {"skr-ett-tryggt-valar": ["kung"]}}, headers=api.admin
    )
    assert error(bad, 400)["details"][0]["rule"] == "unknown_role"
    error(await api.http.put(url, json={"x": 1}, headers=api.admin), 400)
    error(await api.http.put(url, json={"requirements": {}}, headers=api.other), 404)
    coordinator = await api.services.people.create_user("c@gavle.se", "coordinator", None, "2180")
    token = await api.services.people.issue_token(str(coordinator.id))
    refused = await api.http.put(
        url, json={"requirements": {}}, headers={"Authorization": f"Bearer {token.token}"}
    )
    error(refused, 403)
    assert "workshop.requirements" in await _actions(api)
    report = (
        await api.http.get(f"/api/v1/workshops/{workshop['id']}/readiness", headers=api.admin)
    ).json()
    assert report["requirements"] == {"skr-ett-tryggt-valar": ["valnämnd"]}
