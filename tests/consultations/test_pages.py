from datetime import timedelta

from consult.consultations.models import Status
from consult.db_types import utcnow
from tests.conftest import post_form


def test_home_lists_open_consultations_and_not_drafts(client, make_consultation):
    make_consultation("open-one", title={"en": "Open one"})
    make_consultation("draft-one", status=Status.DRAFT, title={"en": "Hidden draft"})
    make_consultation(
        "expired", title={"en": "Past its closing time"}, closes_at=utcnow() - timedelta(days=1)
    )
    html = client.get("/").get_data(as_text=True)
    assert "Open one" in html
    assert "Hidden draft" not in html
    open_part, _, closed_part = html.partition("Closed consultations")
    assert "Past its closing time" in closed_part and "Past its closing time" not in open_part


def test_consultation_past_closing_time_accepts_nothing(make_consultation):
    consultation = make_consultation(closes_at=utcnow() - timedelta(seconds=1))
    assert consultation.status is Status.OPEN
    assert not consultation.accepts_input()
    later = make_consultation("later", opens_at=utcnow() + timedelta(days=1))
    assert not later.accepts_input()


def test_consultation_page_shows_current_version_in_chosen_language(client, make_consultation):
    make_consultation()
    html = client.get(
        "/c/test-consultation", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    ).get_data(as_text=True)
    assert "第一条。" in html
    assert "Second clause." in html, "an untranslated clause falls back to English"
    assert "测试征求意见" in html
    html = client.get("/c/test-consultation", headers={"Accept-Language": "en-GB"}).get_data(
        as_text=True
    )
    assert "First clause." in html and "第一条。" not in html


def test_unknown_consultation_is_404(client):
    response = client.get("/c/nothing-here")
    assert response.status_code == 404
    assert "There is no consultation at this address." in response.get_data(as_text=True)


def test_text_is_escaped(client, db, make_consultation):
    make_consultation(title={"en": "<script>alert(1)</script>"})
    html = client.get("/c/test-consultation").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_page_layout_is_semantic_and_self_contained(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    for landmark in ('<header class="site-header">', '<main id="main"', "<footer", "<nav"):
        assert landmark in html
    assert 'class="skip-link" href="#main"' in html
    assert "http://" not in html and "https://" not in html, "nothing loaded from outside the site"
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_language_from_accept_language(client):
    from flask_babel import force_locale, gettext

    with force_locale("zh"):
        heading = gettext("Open consultations")
    assert heading != "Open consultations", "the Chinese catalogue is compiled and used"
    html = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="zh-Hans" dir="ltr">' in html
    assert heading in html
    html = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html


def test_language_switcher_remembers_choice(reload, client, make_user, login, db):
    response = post_form(client, "/language", {"language": "zh", "next": "/login"}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hans" dir="ltr">' in html
    user = login(make_user())
    post_form(client, "/language", {"language": "en"}, page="/")
    reload(user)
    assert user.locale == "en"


def test_language_switcher_ignores_unknown_language(client):
    post_form(client, "/language", {"language": "xx"}, page="/")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html


def test_htmx_error_is_a_fragment(client):
    response = client.get("/c/nothing-here", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)


def test_team_sees_its_tools_on_the_consultation_page(
    client, db, make_user, make_consultation, login
):
    from consult.auth.services import grant_role
    from consult.consultations.models import Role

    consultation = make_consultation()
    assert "Moderator tools" not in client.get("/c/test-consultation").get_data(as_text=True)
    moderator = make_user("mod@example.org")
    grant_role(moderator, consultation, Role.MODERATOR)
    login(moderator)
    html = client.get("/c/test-consultation").get_data(as_text=True)
    assert "Moderator tools" in html and "/c/test-consultation/draft" in html
    assert "/c/test-consultation/organise/audit" not in html, "organiser tools only for organisers"
