"""The verifiers' list and the site's audit log answer a page past the last one as the
statements list does: 404, saying so, with links to the first and last pages."""

import pytest


@pytest.mark.parametrize("path", ["/verification", "/verification?sector=academia", "/admin/audit"])
def test_a_page_past_the_end_is_a_404_that_leads_back(client, login, make_user, path):
    login(make_user("admin@example.org", admin=True))
    assert client.get(path).status_code == 200
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}page=9")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "There is no page 9: this list has 1." in html
    first = path.replace("&", "&amp;")
    assert f'href="{first}">Go to the first page</a>' in html
    assert "Previous page" not in html
