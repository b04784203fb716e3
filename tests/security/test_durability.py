"""Every acknowledged vote is stored, even when a gunicorn worker is killed mid-load.

Voters with accounts vote through the served app (gunicorn, two workers, real HTTP) while
one worker is killed with SIGKILL. A vote counts as acknowledged when its answer arrived
(200, the updated vote box); a request cut off by the kill may or may not have been
stored. Each voter's acknowledged votes must appear, in order, in the append-only vote
log, and each stored vote must be the last one logged.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from http.client import HTTPException
from itertools import count, cycle

import sqlalchemy as sa

from tests.conftest import PASSWORD, csrf_from
from tests.reports.served import Browser
from tests.serving import served

VOTERS = 6
VOTES_EACH = 40
KILL_AFTER = VOTERS * VOTES_EACH // 3  # acknowledged votes before the kill
AFTER_KILL = 5  # acknowledged votes per voter after it
LOOP_SECONDS = 60
CHOICES = {"agree": 1, "disagree": -1, "pass": 0}
HX = {"HX-Request": "true"}


def _vote_loop(browser, slug, statements, token, acknowledged, counter, lock, killed):
    """Vote until this voter has cast VOTES_EACH and had AFTER_KILL votes acknowledged after
    the kill (however the load and the kill interleave), or LOOP_SECONDS pass."""
    choices = cycle(CHOICES)
    after_kill, deadline = 0, time.monotonic() + LOOP_SECONDS
    for n in count():
        if (n >= VOTES_EACH and after_kill >= AFTER_KILL) or time.monotonic() > deadline:
            return
        statement, choice = statements[n % len(statements)], next(choices)
        data = {"csrf_token": token, "choice": choice}
        try:
            answer = browser.post(f"/c/{slug}/statements/{statement}/vote", data, HX)
        except (OSError, HTTPException):
            continue  # cut off by the kill (before or within the answer): not acknowledged
        if answer.status == 200:
            acknowledged.append((statement, CHOICES[choice]))
            after_kill += killed.is_set()
            with lock:
                counter[0] += 1
        time.sleep(0.005)


def _is_subsequence(wanted: list, log: list) -> bool:
    remaining = iter(log)
    return all(item in remaining for item in wanted)


def test_acknowledged_votes_survive_a_killed_worker(
    db, database_url, make_user, make_consultation, tmp_path
):
    from consult.consultations.models import Participant
    from consult.drafts.models import Clause
    from consult.participation.models import Vote, VoteEvent

    consultation = make_consultation()
    slug = consultation.slug
    statements = db.session.scalars(sa.select(Clause.statement_id)).all()
    emails = [f"voter{i}@example.org" for i in range(VOTERS)]
    users = [make_user(email) for email in emails]
    db.session.commit()
    user_ids = [user.id for user in users]
    db.session.remove()
    db.engine.dispose()  # the served app holds the only connections from here on

    with served(database_url, tmp_path / "served") as app:
        browsers, tokens = [], []
        for email in emails:
            browser = Browser(app.base)
            browser.login(email, PASSWORD)
            browsers.append(browser)
            tokens.append(csrf_from(browser.get(f"/c/{slug}").text))
        acknowledged = [[] for _ in emails]
        counter, lock, killed = [0], threading.Lock(), threading.Event()
        threads = [
            threading.Thread(
                target=_vote_loop,
                args=(browser, slug, statements, token, acks, counter, lock, killed),
            )
            for browser, token, acks in zip(browsers, tokens, acknowledged, strict=True)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while counter[0] < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        victim = app.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        killed.set()
        acknowledged_at_kill = counter[0]
        for thread in threads:
            thread.join(timeout=LOOP_SECONDS + 30)

    assert acknowledged_at_kill >= KILL_AFTER, "the load ran before the kill"
    assert counter[0] > acknowledged_at_kill, "votes were acknowledged after the kill"
    with db.engine.connect() as conn:
        for user_id, acks in zip(user_ids, acknowledged, strict=True):
            participant = conn.scalar(
                sa.select(Participant.id).where(Participant.user_id == user_id)
            )
            log = [
                tuple(row)
                for row in conn.execute(
                    sa.select(VoteEvent.statement_id, VoteEvent.value)
                    .where(VoteEvent.participant_id == participant)
                    .order_by(VoteEvent.id)
                )
            ]
            assert _is_subsequence(acks, log), f"user {user_id}: an acknowledged vote is missing"
            stored = dict(
                conn.execute(
                    sa.select(Vote.statement_id, Vote.value).where(
                        Vote.participant_id == participant
                    )
                ).all()
            )
            last_logged = dict(log)  # later events overwrite earlier ones
            assert stored == last_logged
