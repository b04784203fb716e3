"""Finding statements: search (Chinese too), each filter and sort, pages, bad parameters."""

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.consultations.models import Participant
from consult.db_types import utcnow
from consult.participation.models import ModerationState, Statement, StatementKind, Vote

HX = {"HX-Request": "true"}


@pytest.fixture
def add_statements(db, consultation):
    """Approved participant statements, oldest first, each with the votes given as
    (agree, disagree, pass) counts from fresh voters; returns their ids."""

    def add(*specs, author=None):
        start = utcnow() - timedelta(days=1)
        voters: list[Participant] = []
        ids = []
        for offset, (text, counts) in enumerate(specs):
            statement = Statement(
                consultation_id=consultation.id,
                kind=StatementKind.PARTICIPANT,
                text=text,
                moderation_state=ModerationState.APPROVED,
                created_at=start + timedelta(minutes=offset),
                author_id=author.id if author else None,
            )
            db.session.add(statement)
            db.session.flush()
            values = [1] * counts[0] + [-1] * counts[1] + [0] * counts[2]
            while len(voters) < len(values):
                voters.append(Participant(consultation_id=consultation.id))
                db.session.add(voters[-1])
                db.session.flush()
            for voter, value in zip(voters, values, strict=False):
                db.session.add(
                    Vote(
                        consultation_id=consultation.id,
                        participant_id=voter.id,
                        statement_id=statement.id,
                        value=value,
                    )
                )
            ids.append(statement.id)
        db.session.commit()
        return ids

    return add


def listed(client, consultation, **args):
    response = client.get(f"/c/{consultation.slug}/statements", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    return [int(n) for n in re.findall(r'<li class="statement" id="s-(\d+)"', html)]


def test_search_is_case_insensitive_and_finds_chinese_substrings(
    client, consultation, add_statements
):
    audits, chinese, other = add_statements(
        ("Public AUDITS of large models", (0, 0, 0)),
        ("人工智能的安全评估应当公开", (0, 0, 0)),
        ("Compute thresholds", (0, 0, 0)),
    )
    assert listed(client, consultation, q="audits") == [audits]
    assert listed(client, consultation, q="  public   audits ") == [audits]
    assert listed(client, consultation, q="安全评估") == [chinese]
    assert listed(client, consultation, q="100%_") == [], "LIKE wildcards are plain text"
    assert other not in listed(client, consultation, q="model")


def test_filters_participants_clauses_all_mine_and_unvoted(
    db, client, participant, consultation, clause_ids, add_statements, vote
):
    theirs, voted = add_statements(("Theirs.", (1, 0, 0)), ("Voted on.", (0, 1, 0)))
    me = Participant(consultation_id=consultation.id, user_id=participant.id)
    db.session.add(me)
    db.session.commit()
    (mine,) = add_statements(("Mine.", (0, 0, 0)), author=me)
    vote(voted, "agree")
    vote(clause_ids[0], "agree")
    vote(mine, "agree")

    assert set(listed(client, consultation)) == {theirs, voted, mine}
    assert listed(client, consultation, show="clauses") == sorted(clause_ids, reverse=True)
    assert set(listed(client, consultation, show="all")) == {theirs, voted, mine, *clause_ids}
    assert listed(client, consultation, show="mine") == [mine]
    assert set(listed(client, consultation, show="unvoted")) == {theirs, clause_ids[1]}
    # A clause is found by its text in any language.
    assert listed(client, consultation, show="all", q="第一条") == [clause_ids[0]]
    assert listed(client, consultation, show="clauses", q="second CLAUSE") == [clause_ids[1]]


def test_a_visitor_has_nothing_of_their_own_and_has_voted_on_nothing(
    client, consultation, clause_ids, add_statements
):
    ids = add_statements(("One.", (1, 0, 0)), ("Two.", (0, 0, 0)))
    assert listed(client, consultation, show="mine") == []
    assert set(listed(client, consultation, show="unvoted")) == {*ids, *clause_ids}


def test_sorts(client, consultation, add_statements):
    calm, split, liked, unvoted = add_statements(
        ("Calm.", (1, 0, 1)),
        ("Split.", (3, 3, 0)),
        ("Liked.", (5, 1, 0)),
        ("Nobody voted.", (0, 0, 0)),
    )
    assert listed(client, consultation) == [unvoted, liked, split, calm], "newest first"
    assert listed(client, consultation, sort="agreed") == [liked, split, calm, unvoted]
    assert listed(client, consultation, sort="divisive") == [split, liked, calm, unvoted]
    assert listed(client, consultation, sort="least_voted") == [unvoted, calm, liked, split]


def test_pages_of_fifty_keep_the_search(client, consultation, add_statements):
    ids = add_statements(*[(f"Point {n}", (0, 0, 0)) for n in range(120)])
    first = listed(client, consultation)
    assert first == ids[::-1][:50]
    assert listed(client, consultation, page=3) == ids[::-1][100:]
    html = client.get(f"/c/{consultation.slug}/statements?q=Point&page=2").get_data(as_text=True)
    assert "Page 2 of 3" in html and "120 statements found" in html
    (next_link,) = re.findall(r'rel="next" href="([^"]+)"', html)
    assert sorted(next_link.split("?")[1].split("&amp;")) == ["page=3", "q=Point"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"sort": "random"}, "Choose an order from the list."),
        ({"show": "everything"}, "Choose what to show from the list."),
        ({"page": "0"}, "Choose a page number from the list."),
        ({"page": "two"}, "Choose a page number from the list."),
        ({"page": "-1"}, "Choose a page number from the list."),
        ({"page": "99999999999"}, "Choose a page number from the list."),
        ({"q": "x" * 201}, "Search for at most 200 characters."),
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, consultation, args, message):
    response = client.get(f"/c/{consultation.slug}/statements", query_string=args)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_page_past_the_end_is_a_404_linking_the_first_and_last_pages(
    client, consultation, add_statements
):
    add_statements(*[(f"Point {n}", (0, 0, 0)) for n in range(120)])
    url = f"/c/{consultation.slug}/statements"
    response = client.get(url, query_string={"q": "Point", "page": "99999"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "There is no page 99999: this list has 3." in html
    assert re.findall(r'<a href="([^"]+)">Go to the first page', html) == [f"{url}?q=Point"]
    (last,) = re.findall(r'<a href="([^"]+)">Go to the last page', html)
    assert sorted(last.split("?")[1].split("&amp;")) == ["page=3", "q=Point"]
    assert 'class="statement"' not in html and 'rel="prev"' not in html
    assert 'id="statement-q"' in html, "the search form is still there"
    # htmx gets the same answer as the results fragment (a 4xx is swapped in).
    fragment = client.get(url, query_string={"q": "Point", "page": "4"}, headers=HX)
    assert fragment.status_code == 404 and "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "There is no page 4: this list has 3." in body


def test_past_a_single_page_only_the_first_page_is_offered(client, consultation):
    response = client.get(f"/c/{consultation.slug}/statements?page=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "There is no page 2: this list has 1." in html
    assert "Go to the first page" in html and "Go to the last page" not in html


def test_the_search_box_holds_what_the_server_accepts(client, consultation):
    from consult.participation.listing import QUERY_MAX

    html = client.get(f"/c/{consultation.slug}/statements").get_data(as_text=True)
    (search_box,) = re.findall(r'<input id="statement-q"[^>]*>', html)
    assert f'maxlength="{QUERY_MAX}"' in search_box
    assert listed(client, consultation, q="x" * QUERY_MAX) == []
    longer = client.get(f"/c/{consultation.slug}/statements", query_string={"q": "x" * 201})
    assert longer.status_code == 400


def test_htmx_gets_the_results_alone(client, consultation, add_statements):
    (found,) = add_statements(("Find me.", (0, 0, 0)))
    response = client.get(f"/c/{consultation.slug}/statements?q=find", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert 'id="statement-results"' in html and "<html" not in html
    assert f'id="s-{found}"' in html and "1 statement found" in html


def test_a_page_of_fifty_out_of_800_takes_the_same_few_queries(
    db, app, client, consultation, add_statements
):
    add_statements(*[(f"Statement text {n}", (n % 3, n % 2, 1)) for n in range(10)])
    small = _queries(db, client, consultation)
    add_statements(*[(f"More text {n}", (n % 5, n % 4, n % 2)) for n in range(790)])
    started = time.perf_counter()
    large = _queries(db, client, consultation, sort="divisive")
    elapsed = time.perf_counter() - started
    assert large == small, "no query per statement"
    assert elapsed < 2.0, f"a page of 50 out of 800 took {elapsed:.2f}s"


def _queries(db, client, consultation, **args) -> int:
    seen = []

    def count(*_):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        listed(client, consultation, **args)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)
