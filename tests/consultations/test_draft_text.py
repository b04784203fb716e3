"""The draft as a text to keep (issue 13, item 8): a print-friendly page and a plain-text
download of the current published version, in the reader's language with the authoritative
text; the download is also fetched from gunicorn, as users get it."""

from __future__ import annotations

import pytest

from consult.consultations.models import Status
from tests.serving import served

ENGLISH = {"Accept-Language": "en-GB"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def consultation(make_consultation):
    """Chinese first (authoritative), English second, as in the demo."""
    return make_consultation(languages=["zh", "en"])


def test_download_is_plain_text_in_the_readers_language_with_the_authoritative_text(
    client, consultation
):
    response = client.get(f"/c/{consultation.slug}/text.txt", headers=ENGLISH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{consultation.slug}-v1-en.txt"'
    )
    text = response.get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "Test consultation"
    assert lines[2].startswith("Draft version 1, published ")
    assert lines[3] == f"http://localhost/c/{consultation.slug}"
    first = text.index("1.\n\nFirst clause.")
    second = text.index("2.\n\nSecond clause.")
    assert first < text.index("    Authoritative text (中文):\n    第一条。") < second
    assert "Where the versions differ, the 中文 text is authoritative." in text
    assert "<" not in text, "no markup in the plain text"


def test_download_in_the_authoritative_language_has_no_second_copy(client, consultation):
    text = client.get(f"/c/{consultation.slug}/text.txt", headers=CHINESE).get_data(True)
    assert "测试征求意见" in text.splitlines()[0]
    assert "第一条。" in text and "Second clause." in text, "untranslated text falls back"
    assert text.count("第一条。") == 1
    assert "中文" not in text.replace("测试征求意见", ""), "no authoritative label"


def test_printable_page_has_the_text_and_the_authoritative_wording(client, consultation):
    response = client.get(f"/c/{consultation.slug}/text", headers=ENGLISH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 id="text-title">Test consultation</h1>' in html
    assert "First clause." in html and "Second clause." in html
    assert '<p class="authoritative-label">Authoritative text (中文)</p>' in html
    assert '<div lang="zh-Hans" dir="ltr">' in html and "第一条。" in html
    assert f'href="/c/{consultation.slug}/text.txt" download>Download the text</a>' in html
    assert 'href="/static/css/print.css" media="print"' in html


def test_the_text_page_links_the_download_and_the_printable_page(client, consultation):
    html = client.get(f"/c/{consultation.slug}", headers=ENGLISH).get_data(as_text=True)
    assert f'href="/c/{consultation.slug}/text.txt" download>Download the text</a>' in html
    assert f'href="/c/{consultation.slug}/text">Print-friendly text</a>' in html


def test_text_without_a_published_version_is_a_clear_404(client, db, make_consultation):
    import sqlalchemy as sa

    from consult.drafts.models import DraftVersion

    unpublished = make_consultation("unpublished")
    rows = sa.select(DraftVersion).where(DraftVersion.consultation_id == unpublished.id)
    for version in db.session.scalars(rows):
        version.published_at = None
    db.session.commit()
    for path in ("/text.txt", "/text"):
        response = client.get(f"/c/{unpublished.slug}{path}", headers=ENGLISH)
        assert response.status_code == 404
        assert "The draft text has not been published yet." in response.get_data(as_text=True)


def test_draft_consultations_text_is_hidden_from_the_public(client, make_consultation):
    make_consultation("in-preparation", status=Status.DRAFT)
    assert client.get("/c/in-preparation/text.txt").status_code == 404
    assert client.get("/c/no-such-consultation/text.txt").status_code == 404


def test_download_served_by_gunicorn(db, consultation, database_url, tmp_path):
    slug = consultation.slug
    db.session.remove()
    db.engine.dispose()
    with served(database_url, tmp_path / "served", workers=1) as app:
        from tests.reports.served import Browser

        browser = Browser(app.base)
        fetched = browser.get(f"/c/{slug}/text.txt")
        assert fetched.status == 200
        assert fetched.headers.get_all("Content-Type") == ["text/plain; charset=utf-8"]
        assert fetched.headers["Content-Disposition"] == (
            f'attachment; filename="{slug}-v1-en.txt"'
        )
        text = fetched.body.decode("utf-8")
        assert text.startswith("Test consultation\n")
        assert f"{app.base}/c/{slug}\n" in text, "the address of the consultation as served"
        assert "    Authoritative text (中文):\n    第一条。" in text
        browser.post_form(f"/c/{slug}", "/language", {"language": "zh", "next": f"/c/{slug}"})
        chinese = browser.get(f"/c/{slug}/text.txt")
        assert chinese.headers["Content-Disposition"].endswith(f'"{slug}-v1-zh.txt"')
        assert chinese.body.decode("utf-8").startswith("测试征求意见\n")
