"""Publishing, unpublishing and publishing a report again read as sentences in the
consultation's audit log and in its CSV export."""

from __future__ import annotations

import csv
import io

from tests.conftest import post_form
from tests.reports.conftest import publish_form


def test_report_publishing_reads_in_the_audit_log(client, db, voted, analysed, organiser, login):
    login(organiser)
    assert publish_form(client, slug="gone").status_code == 302
    for step in ("unpublish", "republish"):
        url = f"/c/camps/reports/gone/{step}"
        assert post_form(client, url, {}, page="/c/camps/exports").status_code == 302
    name = organiser.display_name
    html = client.get("/c/camps/organise/audit").get_data(as_text=True)
    published = f"{name} published the report “What we heard”"
    again = f"{name} published the report “What we heard” again"
    unpublished = f"{name} unpublished the report “What we heard”"
    assert html.index(again) < html.index(unpublished) < html.index(f"{published}<"), "newest first"
    only = client.get("/c/camps/organise/audit?action=unpublish_report").get_data(as_text=True)
    assert unpublished in only and again not in only
    assert '<option value="publish_report" >Published a report</option>' in html
    exported = client.get("/c/camps/organise/audit.csv?action=publish_report")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["action"], r["description"]) for r in rows] == [("publish_report", published)]
