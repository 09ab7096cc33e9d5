"""An admin creates, edits and deactivates users in the browser forms."""

from accounts import users
from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from tests.conftest import TEST_ACTOR, sign_in


def entries(db, action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_admin_creates_a_user_with_several_roles(client, login_as, db):
    admin = login_as("admin")

    response = client.post(
        "/admin/users/new",
        data={"email": "New.Proctor@Example.org", "name": "Nia Proctor", "roles": ["proctor", "rater"],
              "password": "a long enough password"},
    )

    assert response.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "new.proctor@example.org")).one()
    assert user.roles == {Role.PROCTOR, Role.RATER}
    created = entries(db, "user.created")[-1]
    assert created.actor_id == admin.id
    assert created.details["after"] == {"email": "new.proctor@example.org", "name": "Nia Proctor",
                                        "roles": ["proctor", "rater"]}
    listing = client.get("/admin/users?q=nia").get_data(as_text=True)
    assert "new.proctor@example.org" in listing
    assert "Proctor, Rater" in listing


def test_create_user_shows_messages_next_to_the_fields(client, login_as, create_user):
    login_as("admin")
    create_user("candidate", email="taken@example.org")

    page = client.post(
        "/admin/users/new", data={"email": "taken@example.org", "name": "", "password": "short"}
    ).get_data(as_text=True)

    assert 'id="name-error"' in page and "This field is required." in page
    assert 'id="password-error"' in page and "At least 10 characters." in page

    page = client.post(
        "/admin/users/new", data={"email": "taken@example.org", "name": "X", "password": "long enough pw"}
    ).get_data(as_text=True)
    assert 'id="email-error"' in page and "A user with email taken@example.org already exists." in page


def test_admin_changes_roles_and_it_is_audited_with_before_and_after(client, login_as, create_user, db):
    login_as("admin")
    user = create_user("candidate", name="Cara")

    client.post(
        f"/admin/users/{user.id}",
        data={"email": user.email, "name": "Cara Lee", "roles": ["candidate", "rater"], "active": "y"},
    )

    db.session.refresh(user)
    assert user.roles == {Role.CANDIDATE, Role.RATER}
    assert user.name == "Cara Lee"
    changed = entries(db, "user.roles_changed")[-1]
    assert changed.details == {"before": ["candidate"], "after": ["rater", "candidate"]}
    updated = entries(db, "user.updated")[-1]
    assert updated.details == {"before": {"name": "Cara"}, "after": {"name": "Cara Lee"}}


def test_deactivating_a_user_signs_them_out_at_once(app, client, login_as, create_user, db):
    login_as("admin")
    user = create_user("candidate")
    their_browser = app.test_client()
    sign_in(their_browser, user.email)
    assert their_browser.get("/home/candidate").status_code == 200

    client.post(f"/admin/users/{user.id}", data={"email": user.email, "name": user.name, "roles": ["candidate"]})

    assert their_browser.get("/home/candidate").status_code == 302
    assert entries(db, "user.updated")[-1].details == {"before": {"active": True}, "after": {"active": False}}


def test_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(client, login_as, db):
    admin = login_as("admin")

    page = client.post(
        f"/admin/users/{admin.id}", data={"email": admin.email, "name": admin.name, "roles": ["rater"], "active": "y"}
    ).get_data(as_text=True)
    assert "You cannot remove your own admin role." in page

    page = client.post(
        f"/admin/users/{admin.id}", data={"email": admin.email, "name": admin.name, "roles": ["admin"]}
    ).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    db.session.refresh(admin)
    assert admin.active and admin.roles == {Role.ADMIN}


def test_setting_a_password_lets_the_user_sign_in_with_it_and_signs_them_out_elsewhere(
    app, client, login_as, create_user, db
):
    login_as("admin")
    user = create_user("rater")
    their_browser = app.test_client()
    sign_in(their_browser, user.email)

    client.post(
        f"/admin/users/{user.id}",
        data={"email": user.email, "name": user.name, "roles": ["rater"], "active": "y", "password": "brand new secret"},
    )

    assert their_browser.get("/home/rater").status_code == 302
    assert sign_in(app.test_client(), user.email, "brand new secret").status_code == 302
    assert entries(db, "user.password_set")[-1].object_id == str(user.id)


def test_user_list_filters_by_role_and_status(client, login_as, create_user, db):
    login_as("admin")
    create_user("proctor", email="pat@example.org")
    gone = create_user("proctor", email="gone@example.org")
    gone.active = False
    db.session.commit()

    active_proctors = client.get("/admin/users?role=proctor&status=active").get_data(as_text=True)
    inactive = client.get("/admin/users?status=inactive").get_data(as_text=True)

    assert "pat@example.org" in active_proctors and "gone@example.org" not in active_proctors
    assert "gone@example.org" in inactive and "pat@example.org" not in inactive


def test_an_unknown_role_filter_is_a_message_not_an_error(client, login_as):
    login_as("admin")

    response = client.get("/admin/users?role=wizard")

    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_pagination_links_keep_the_search_and_nothing_else(client, login_as, create_user, app):
    login_as("admin")
    for n in range(3):
        create_user("candidate", email=f"page{n}@example.org")
    app.config["USERS_PER_PAGE"] = 2
    try:
        page = client.get("/admin/users?q=page&endpoint=x&_anchor=evil&_external=1").get_data(as_text=True)
    finally:
        app.config["USERS_PER_PAGE"] = 50

    assert 'href="/admin/users?q=page&amp;endpoint=x&amp;_anchor=evil&amp;_external=1&amp;page=2"' in page
    assert "#evil" not in page and "http://" not in page


def test_editing_an_unknown_user_is_404(client, login_as):
    login_as("admin")

    assert client.get("/admin/users/999999").status_code == 404


def test_an_account_created_without_a_password_signs_in_with_none_until_one_is_set(app, client, login_as, db):
    simulated = users.create_user("simulated@example.org", "Simulated Candidate", {Role.CANDIDATE}, None, TEST_ACTOR)
    db.session.commit()

    for guess in ("!", "", "correct horse battery", "simulated@example.org"):
        assert sign_in(app.test_client(), simulated.email, guess).status_code != 302, guess
    login_as("admin")
    client.post(f"/admin/users/{simulated.id}", data={"email": simulated.email, "name": simulated.name,
                                                      "roles": ["candidate"], "active": "y",
                                                      "password": "set by the admin"})
    assert sign_in(app.test_client(), simulated.email, "set by the admin").status_code == 302
