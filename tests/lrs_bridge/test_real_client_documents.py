"""The ``tincan`` package's RemoteLRS against a real server process: saving, retrieving,
listing and deleting State, Activity Profile and Agent Profile documents.

tincan 1.0.0 has quirks these tests work around:
- Python 3: a document's ``content`` must be ``str`` or ``bytearray``; ``bytes`` raise
  TypeError in its setter (``bytearray(value, "utf-8")``, Python 2 code). Its HTTPRequest
  then turns the content into ``str``, which http.client sends as ISO-8859-1, and it decodes
  every response as UTF-8: non-ASCII documents do not survive the client (the LRS keeps
  the bytes it gets), so these documents are ASCII.
- ``retrieve_*`` look headers up by name in the *list* ``getheaders()`` returns, so a
  retrieved document never gets its ``etag``; the tests read the ETag from the response.
- ``save_*`` of a profile sends neither If-Match nor If-None-Match for a new document,
  which xAPI 1.0.3 forbids (the LRS answers 400, as the ADL suite expects); the tests
  create profiles with If-None-Match: * through the client's own request sender.
- ``save_state`` sends its PUT twice and never sends ``registration``; under 1.0.3 the
  second PUT harmlessly overwrites the first, but with an ``etag`` (If-Match) the second
  PUT gets 412 because the first changed the document, so state is saved without one.
"""

from __future__ import annotations

import json

import pytest
from tincan import (
    Activity,
    ActivityProfileDocument,
    Agent,
    AgentAccount,
    AgentProfileDocument,
    RemoteLRS,
    StateDocument,
)
from tincan.http_request import HTTPRequest
from tincan.lrs_response import LRSResponse

from tests.conftest import LiveServer

pytestmark = pytest.mark.slow  # starts real processes

COURSE = Activity(id="https://valmyndigheten.se/xapi/courses/valsakerhet-intro")
LEARNER = Agent(name="Deltagare", mbox="mailto:deltagare@kommun.se")


def _lrs(server: LiveServer) -> RemoteLRS:
    return RemoteLRS(endpoint=server.url + "/xapi/", username=server.key, password=server.secret)


def _etag(response: LRSResponse) -> str:
    etag = response.response.getheader("ETag")
    assert etag is not None and etag.startswith('"')
    return str(etag)


def _create(lrs: RemoteLRS, resource: str, params: dict[str, str], content: bytes) -> None:
    """PUT with If-None-Match: * through tincan's own request sender (see module doc)."""
    request = HTTPRequest(method="PUT", resource=resource, content=content)
    request.headers["Content-Type"] = "application/json"
    request.headers["If-None-Match"] = "*"
    request.query_params = params
    response = lrs._send_request(request)
    assert response.success, response.data


def test_state_documents(live_server: LiveServer) -> None:
    lrs = _lrs(live_server)
    resume = StateDocument(
        id="resume",
        activity=COURSE,
        agent=LEARNER,
        content='{"slide": 12, "answers": ["a", "c"]}',
        content_type="application/json",
    )
    saved = lrs.save_state(resume)
    assert saved.success, saved.data
    suspend = StateDocument(
        id="cmi.suspend_data",
        activity=COURSE,
        agent=LEARNER,
        content=bytearray(b"kommun=Vasteras;steg=2"),  # ASCII: see the module doc
        content_type="text/plain",
    )
    assert lrs.save_state(suspend).success

    fetched = lrs.retrieve_state(COURSE, LEARNER, "resume")
    assert fetched.success, fetched.data
    assert json.loads(bytes(fetched.content.content)) == {"slide": 12, "answers": ["a", "c"]}
    assert fetched.response.getheader("Content-Type") == "application/json"
    text = lrs.retrieve_state(COURSE, LEARNER, "cmi.suspend_data")
    assert bytes(text.content.content) == b"kommun=Vasteras;steg=2"
    assert text.response.getheader("Content-Type") == "text/plain"

    ids = lrs.retrieve_state_ids(COURSE, LEARNER)
    assert ids.success, ids.data
    assert ids.content == ["cmi.suspend_data", "resume"]
    assert lrs.retrieve_state_ids(COURSE, LEARNER, since="2999-01-01T00:00:00Z").content == []

    # Overwrite (state needs no precondition under 1.0.3), then delete one, then clear all.
    resume.content = '{"slide": 13}'
    assert lrs.save_state(resume).success
    again = lrs.retrieve_state(COURSE, LEARNER, "resume")
    assert json.loads(bytes(again.content.content)) == {"slide": 13}
    assert _etag(again) != _etag(fetched)

    stale = StateDocument(id="resume", activity=COURSE, agent=LEARNER, etag=_etag(fetched))
    refused = lrs.delete_state(stale)
    assert not refused.success and refused.response.status == 412
    deleted = lrs.delete_state(StateDocument(id="resume", activity=COURSE, agent=LEARNER))
    assert deleted.success, deleted.data
    missing = lrs.retrieve_state(COURSE, LEARNER, "resume")
    assert missing.response.status == 404
    assert json.loads(missing.data)["details"][0]["rule"] == "not_found"

    cleared = lrs.clear_state(COURSE, LEARNER)
    assert cleared.success, cleared.data
    assert lrs.retrieve_state_ids(COURSE, LEARNER).content == []


def test_activity_profile_documents(live_server: LiveServer) -> None:
    lrs = _lrs(live_server)
    plain = ActivityProfileDocument(
        id="settings", activity=COURSE, content='{"passing": 0.8}', content_type="application/json"
    )
    refused = lrs.save_activity_profile(plain)  # neither header: not allowed under 1.0.3
    assert not refused.success and refused.response.status == 400
    assert "If-None-Match" in json.loads(refused.data)["details"][0]["message"]

    _create(lrs, "activities/profile", {"activityId": COURSE.id, "profileId": "settings"}, b"{}")
    _create(lrs, "activities/profile", {"activityId": COURSE.id, "profileId": "texts"}, b"{}")
    fetched = lrs.retrieve_activity_profile(COURSE, "settings")
    assert fetched.success and bytes(fetched.content.content) == b"{}"

    plain.etag = _etag(fetched)
    updated = lrs.save_activity_profile(plain)
    assert updated.success, updated.data
    got = lrs.retrieve_activity_profile(COURSE, "settings")
    assert json.loads(bytes(got.content.content)) == {"passing": 0.8}

    conflict = lrs.save_activity_profile(
        ActivityProfileDocument(id="settings", activity=COURSE, content="{}")
    )
    assert not conflict.success and conflict.response.status == 409

    ids = lrs.retrieve_activity_profile_ids(COURSE)
    assert ids.success and ids.content == ["settings", "texts"]

    got.content.etag = _etag(got)
    assert lrs.delete_activity_profile(got.content).success
    assert lrs.retrieve_activity_profile_ids(COURSE).content == ["texts"]


def test_agent_profile_documents(live_server: LiveServer) -> None:
    lrs = _lrs(live_server)
    # cmi5 players keep the learner's preferences in this profile.
    player = Agent(account=AgentAccount(home_page="https://lms.kommun.se", name="u-1042"))
    preferences = b'{"languagePreference": "sv-SE", "audioPreference": "on"}'
    account = json.dumps({"account": {"homePage": "https://lms.kommun.se", "name": "u-1042"}})
    _create(
        lrs,
        "agents/profile",
        {"agent": account, "profileId": "cmi5LearnerPreferences"},
        preferences,
    )
    fetched = lrs.retrieve_agent_profile(player, "cmi5LearnerPreferences")
    assert fetched.success, fetched.data
    assert bytes(fetched.content.content) == preferences

    profile = AgentProfileDocument(
        id="cmi5LearnerPreferences",
        agent=player,
        content='{"languagePreference": "en-US"}',
        content_type="application/json",
        etag=_etag(fetched),
    )
    assert lrs.save_agent_profile(profile).success
    assert lrs.retrieve_agent_profile_ids(player).content == ["cmi5LearnerPreferences"]
    got = lrs.retrieve_agent_profile(player, "cmi5LearnerPreferences")
    assert json.loads(bytes(got.content.content)) == {"languagePreference": "en-US"}

    assert lrs.delete_agent_profile(got.content).success
    assert lrs.retrieve_agent_profile_ids(player).content == []
    gone = lrs.retrieve_agent_profile(player, "cmi5LearnerPreferences")
    assert gone.response.status == 404
