"""Site organisers in a browser: the admin adds one by email from the admin pages (an
unconfirmed address is refused on the field), and that person starts a consultation
choosing its authoritative language. The pages pass axe-core in English and Chinese on a
desktop and a phone, the refusal and the language choices included."""

from __future__ import annotations

import sqlalchemy as sa

from consult.consultations.models import Consultation
from tests.browser.pages import check_page, problems_here, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)


def test_the_admin_adds_a_site_organiser_who_starts_a_consultation(
    browser,
    live_server,
    db,
    team,  # noqa: F811
    quick_user,  # noqa: F811
    make_user,
):
    admin = quick_user("root@example.org", admin=True)
    lead = quick_user("lead@example.org")
    make_user("late@example.org", confirmed=False, display_name="Late")
    problems = []
    with signed_in(browser, live_server, admin.email, PASSWORD) as page:
        page.goto(live_server + "/admin/verifiers")
        page.get_by_role("link", name="Site organisers").click()
        page.wait_for_load_state()
        assert page.url.endswith("/admin/organisers")
        page.get_by_label("Email of their account").fill("late@example.org")
        page.get_by_role("button", name="Add").click()
        page.wait_for_load_state()
        error = page.locator("#email-error")
        assert "Late has not confirmed their email address yet" in error.inner_text()
        assert page.get_by_label("Email of their account").get_attribute("aria-invalid") == "true"
        problems += problems_here(page, "en refused grant")
        page.get_by_label("Email of their account").fill(lead.email)
        page.get_by_role("button", name="Add").click()
        page.wait_for_load_state()
        assert "Lead may now start consultations." in page.inner_text("main")
        assert page.locator("#site-organisers li").count() == 1
        problems += problems_here(page, "en organisers")
    with signed_in(browser, live_server, lead.email, PASSWORD) as page:
        page.locator("summary", has_text="Lead").click()
        page.get_by_role("link", name="New consultation").click()
        page.wait_for_load_state()
        page.get_by_label("Address (letters, digits and hyphens)").fill("lead-rules")
        page.get_by_label("Title (English)").fill("Rules")
        page.get_by_label("Authoritative language").select_option("en")
        page.get_by_role("button", name="Create the consultation").click()
        page.wait_for_load_state()
        assert page.url.endswith("/c/lead-rules/organise")
    db.session.rollback()  # a fresh read: the live server wrote it
    created = db.session.scalar(sa.select(Consultation).where(Consultation.slug == "lead-rules"))
    assert created.authoritative == "en" and created.languages[0] != "en"
    assert not problems, "\n".join(problems)


def test_the_new_pages_pass_axe_in_both_languages(browser, live_server, team, quick_user):  # noqa: F811
    admin = quick_user("root@example.org", admin=True)
    lead = quick_user("lead@example.org")
    lead_id = lead.id
    from consult.auth.site_roles import set_role
    from consult.organise.site_organisers import ORGANISER

    set_role(ORGANISER, admin, lead.email, grant=True)
    problems = []
    for language in ("en", "zh"):
        for user, paths in (
            (admin, ["/admin/organisers"]),
            (lead, ["/organise", "/organise/new"]),
            (
                team.organiser,
                ["/c/test-consultation/organise/team", "/c/test-consultation/organise/take-part"],
            ),
        ):
            with signed_in(browser, live_server, user.email, PASSWORD, language) as page:
                for path in paths:
                    problems += check_page(page, live_server, path, language)
    assert lead_id
    assert not problems, "\n".join(problems)
