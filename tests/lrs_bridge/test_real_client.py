"""The ``tincan`` package's RemoteLRS (xAPI 1.0.3) against a real server process: the way
Python course tooling and many LMS integrations talk to an LRS."""

from __future__ import annotations

import uuid

from tincan import Activity, Agent, RemoteLRS, Statement, StatementRef, Verb

from tests.conftest import LiveServer

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = "https://valmyndigheten.se/xapi/courses/valsakerhet-intro"


def _lrs(server: LiveServer) -> RemoteLRS:
    return RemoteLRS(endpoint=server.url + "/xapi/", username=server.key, password=server.secret)


def _statement(index: int) -> Statement:
    return Statement(
        actor=Agent(name=f"Deltagare {index}", mbox=f"mailto:deltagare{index}@kommun.se"),
        verb=Verb(id=COMPLETED),
        object=Activity(id=COURSE),
    )


def test_save_query_page_void_and_retrieve_voided(live_server: LiveServer) -> None:
    lrs = _lrs(live_server)
    saved = lrs.save_statements([_statement(i) for i in range(25)])
    assert saved.success, saved.data
    ids = [str(s.id) for s in saved.content]
    assert len(set(ids)) == 25

    first = lrs.query_statements({"activity": Activity(id=COURSE), "limit": 10})
    assert first.success, first.data
    seen = [str(s.id) for s in first.content.statements]
    more = first.content.more
    pages = 1
    while more:
        page = lrs.more_statements(more)
        assert page.success, page.data
        seen += [str(s.id) for s in page.content.statements]
        more = page.content.more
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(ids)  # every statement once, none twice

    target = ids[0]
    voiding = Statement(
        actor=Agent(name="Samordnare", mbox="mailto:samordnare@lansstyrelsen.se"),
        verb=Verb(id=VOIDED),
        object=StatementRef(id=uuid.UUID(target)),
    )
    voided = lrs.save_statement(voiding)
    assert voided.success, voided.data

    plain = lrs.retrieve_statement(target)
    assert not plain.success and plain.response.status == 404
    fetched = lrs.retrieve_voided_statement(target)
    assert fetched.success, fetched.data
    assert str(fetched.content.id) == target
    assert fetched.content.actor.mbox == "mailto:deltagare0@kommun.se"

    # The voided statement leaves query results; the voiding statement targets it, so it
    # matches the target's verb filter (Communication 2.1.3, filter conditions for
    # StatementRefs; 2.1.4: statements targeting a voided one are still returned).
    remaining = lrs.query_statements({"verb": Verb(id=COMPLETED), "limit": 100})
    returned = {str(s.id) for s in remaining.content.statements}
    assert returned == (set(ids) - {target}) | {str(voided.content.id)}
