"""A report's address: chosen by the organiser, or a free one made from the title."""

from __future__ import annotations

from tests.reports.conftest import publish_form as _publish


def _address(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_blank_address_picks_a_free_one(app, client, voted, analysed, organiser, login):
    login(organiser)
    addresses = [_address(_publish(client, title="What we heard")) for _ in range(3)]
    assert addresses == ["what-we-heard", "what-we-heard-2", "what-we-heard-3"]
    reader = app.test_client()
    for address in addresses:
        assert reader.get(f"/c/camps/reports/{address}").status_code == 200


def test_a_title_in_other_scripts_gets_a_readable_address(
    app, client, voted, analysed, organiser, login
):
    login(organiser)
    assert _address(_publish(client, title="Café à l'école")) == "cafe-a-l-ecole"
    chinese = [_address(_publish(client, title="我们听到了什么")) for _ in range(2)]
    arabic = _address(_publish(client, title="ماذا سمعنا"))
    assert chinese == ["report", "report-2"] and arabic == "report-3"
    page = app.test_client().get("/c/camps/reports/report-2")
    assert page.status_code == 200 and "我们听到了什么" in page.get_data(as_text=True)
    html = app.test_client().get("/c/camps/reports/report-3.html")
    assert html.status_code == 200 and "ماذا سمعنا" in html.get_data(as_text=True)


def test_a_typed_address_that_is_taken_is_refused_on_its_field(
    client, voted, analysed, organiser, login
):
    login(organiser)
    assert _address(_publish(client)) == "what-we-heard"
    taken = _publish(client, title="Another", slug="what-we-heard")
    assert taken.status_code == 400
    assert "A report already has this address." in taken.get_data(as_text=True)
    # A blank address still finds a free one next to the typed ones.
    assert _address(_publish(client, slug="what-we-heard-2")) == "what-we-heard-2"
    assert _address(_publish(client)) == "what-we-heard-3"


def test_a_long_title_keeps_room_for_the_number(client, voted, analysed, organiser, login):
    from consult.reports.models import REPORT_SLUG_MAX

    login(organiser)
    title = "word " * 40
    first, second = (_address(_publish(client, title=title)) for _ in range(2))
    assert len(first) <= REPORT_SLUG_MAX and len(second) <= REPORT_SLUG_MAX
    assert second.endswith("-2") and second != first
