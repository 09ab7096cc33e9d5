"""Every state-changing request needs the CSRF token, JSON ones included."""

from tests.conftest import PASSWORD


def test_sign_in_without_a_token_is_refused(client, create_user):
    user = create_user("candidate")

    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD}, csrf=False)

    assert response.status_code == 400
    assert "This form has expired or did not come from Attest" in response.get_data(as_text=True)


def test_admin_form_without_a_token_is_refused_and_changes_nothing(client, login_as, create_user, db):
    login_as("admin")
    user = create_user("candidate", name="Before")

    response = client.post(
        f"/admin/users/{user.id}", data={"email": user.email, "name": "After", "roles": ["admin"]}, csrf=False
    )

    db.session.refresh(user)
    assert response.status_code == 400
    assert user.name == "Before"


def test_sign_out_without_a_token_keeps_the_session(client, login_as):
    login_as("candidate")

    assert client.post("/sign-out", csrf=False).status_code == 400
    assert client.get("/home/candidate").status_code == 200


def test_json_request_without_a_token_gets_a_json_error(client, login_as):
    login_as("candidate")

    response = client.post("/sign-out", json={}, csrf=False)

    assert response.status_code == 400
    assert response.get_json()["error"] == "Bad request"


def test_pages_carry_the_token_for_forms_and_scripts(client):
    page = client.get("/sign-in").get_data(as_text=True)

    assert 'name="csrf-token" content="' in page
    assert 'name="csrf_token" type="hidden" value="' in page
