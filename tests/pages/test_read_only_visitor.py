"""With ``[auth]`` configured, a visitor who is not logged in reads every page but changes nothing (before,
such a visitor could still edit candidates, recorded as "anonymous"). Every change goes through
``write_session``; the reader's Engine refuses it before the transaction begins."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.pages.helpers import button
from workbench.store import read_session, write_session
from workbench.store.tables import AuditEvent, CandidateRow

AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}}


def _count(engine) -> tuple[int, int]:
    with read_session(engine) as session:
        return (len(session.exec(select(CandidateRow)).all()),
                len(session.exec(select(AuditEvent).where(AuditEvent.actor == "anonymous")).all()))


def test_a_visitor_who_is_not_logged_in_cannot_add_a_candidate(open_page, workspace_engine):
    before = _count(workspace_engine)
    at = open_page("candidates", secrets=AUTH)
    assert not at.exception, at.exception
    assert any("you can read everything" in i.value for i in at.info)
    name = next(t for t in at.text_input if t.key and t.key.startswith("cand-new") and t.value == "New candidate")
    name.set_value("Sneaky model")
    button(at, "FormSubmitter:cand-new-form-Add candidate").click().run()
    assert not at.exception, at.exception
    assert any("changes need a login" in e.value for e in at.error)
    assert _count(workspace_engine) == before


def test_the_read_only_engine_refuses_every_write_transaction(open_page, workspace_engine):
    from workbench.store.engine import database_url
    from workbench.ui.resources import ReadOnlyWorkspace, _read_only_engine_for

    engine = _read_only_engine_for(database_url())
    assert _count(engine) == _count(workspace_engine)  # reading works
    with pytest.raises(ReadOnlyWorkspace), write_session(engine) as session:
        session.add(CandidateRow(name="x", body={}))
