from consult.auth import services
from consult.consultations.models import ConsultationRole, Role, Status


def test_roles_are_per_consultation(db, make_user, make_consultation, row_count):
    organiser = make_user("org@example.org")
    outsider = make_user("out@example.org")
    admin = make_user("admin@example.org", admin=True)
    first = make_consultation("first")
    second = make_consultation("second")
    services.grant_role(organiser, first, Role.ORGANISER)
    services.grant_role(organiser, first, Role.ORGANISER)  # granting twice changes nothing
    assert row_count(ConsultationRole) == 1
    assert services.has_role(organiser, first, Role.ORGANISER)
    assert not services.has_role(organiser, first, Role.MODERATOR)
    assert not services.has_role(organiser, second, Role.ORGANISER)
    assert not services.has_role(outsider, first, Role.ORGANISER, Role.MODERATOR)
    assert services.has_role(admin, second, Role.MODERATOR), "site admins hold every role"


def test_draft_consultation_is_hidden_from_public_but_shown_to_its_team(
    client, db, make_user, make_consultation, login
):
    from consult.consultations.models import Status as S

    draft = make_consultation("in-preparation", status=S.DRAFT)
    assert client.get("/c/in-preparation").status_code == 404
    moderator = make_user("mod@example.org")
    services.grant_role(moderator, draft, Role.MODERATOR)
    login(moderator)
    assert client.get("/c/in-preparation").status_code == 200
    assert Status.DRAFT.value == "draft"


def test_create_admin_promotes_existing_account(reload, runner, make_user, db):
    user = make_user("someone@example.org")
    result = runner.invoke(
        args=["create-admin", "SOMEONE@example.org"], env={"CONSULT_ADMIN_PASSWORD": ""}
    )
    assert result.exit_code == 0, result.output
    reload(user)
    assert user.is_admin


def test_create_admin_creates_account(runner, db):
    result = runner.invoke(
        args=["create-admin", "root@example.org", "--name", "Root", "--country", "de"],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code == 0, result.output
    user = services.find_user_by_email("root@example.org")
    assert user.is_admin and user.profile.country == "DE"
    assert services.authenticate("root@example.org", "a long admin password") == user


def test_create_admin_bad_country_is_a_clear_error(runner, db, row_count):
    from consult.auth.models import User

    result = runner.invoke(
        args=["create-admin", "root@example.org", "--country", "ZZ"],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code != 0
    assert "Choose a country from the list." in result.output
    assert row_count(User) == 0
