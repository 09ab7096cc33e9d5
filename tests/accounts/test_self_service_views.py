"""Self-service pages: a mailed link's token leaves the address on its first
GET, every page answers the same for every email, and a limit says when to
try again."""

import re

from sqlalchemy import select

from mail.models import OutboxMessage
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a brand new passphrase"


def queued(db, kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def link_path(message, path):
    """The path of the message's link to `path`, as a browser opens it."""
    return re.search(rf"https?://[^/\s]+(/{path}/[A-Za-z0-9_-]+)", message.text_body).group(1)


def register(client, email="ana@example.org", password=PASSWORD):
    return client.post("/register", data={"name": "Ana Candidate", "email": email, "password": password,
                                          "password_again": password})


def test_register_follow_the_mailed_link_and_sign_in(client, db):
    page = register(client).get_data(as_text=True)
    [message] = queued(db, "account.verify_email")
    path = link_path(message, "verify-email")

    opened = client.get(path)
    shown = client.get(opened.headers["Location"])
    confirmed = client.post("/verify-email")

    assert "Check your mail" in page and "We sent a message to ana@example.org" in page
    assert message.to_address == "ana@example.org"
    assert (opened.status_code, opened.headers["Location"]) == (302, "/verify-email")
    assert shown.status_code == 200 and "Confirm my email" in shown.get_data(as_text=True)
    assert (confirmed.status_code, confirmed.headers["Location"]) == (302, "/sign-in")
    assert sign_in(client, "ana@example.org").headers["Location"] == "/home/candidate"


def without_tokens(page):
    return re.sub(r'"[\w-]+\.[\w-]+\.[\w-]{20,}"', '"TOKEN"', page)


def test_registering_a_taken_email_shows_the_same_page(client, create_user, db):
    create_user("candidate", email="taken@example.org")

    taken = register(client, "taken@example.org").get_data(as_text=True)
    new = register(client, "fresh@example.org").get_data(as_text=True)

    # The pages' CSRF tokens carry the second they were signed in, which may differ between the two requests.
    assert without_tokens(taken).replace("taken@", "fresh@") == without_tokens(new)
    assert [m.to_address for m in queued(db, "account.register_existing")] == ["taken@example.org"]


def test_signing_in_before_confirming_says_so_and_offers_a_new_link(client, db):
    register(client)

    refused = sign_in(client, "ana@example.org").get_data(as_text=True)
    resent = client.post("/verify-email/resend", data={"email": "ana@example.org"})

    assert "Confirm your email first" in refused
    assert 'action="/verify-email/resend"' in refused and 'value="ana@example.org"' in refused
    assert "Check your mail" in resent.get_data(as_text=True)
    assert len(queued(db, "account.verify_email")) == 2


def test_a_wrong_password_on_an_unconfirmed_account_says_only_that_it_is_wrong(client, db):
    register(client)

    page = sign_in(client, "ana@example.org", "not the password").get_data(as_text=True)

    assert "The email or password is not correct" in page and "Confirm your email" not in page


def test_the_sign_in_page_links_to_a_reset_and_to_registering(client):
    page = client.get("/sign-in").get_data(as_text=True)

    assert 'href="/forgot-password">Forgot your password?' in page
    assert 'href="/register">Create an account' in page


def test_forgot_password_answers_the_same_for_an_unknown_email(client, create_user, db):
    user = create_user("candidate", email="known@example.org")

    known = client.post("/forgot-password", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/forgot-password", data={"email": "unknown@example.org"}).get_data(as_text=True)

    assert without_tokens(known).replace("known@", "unknown@") == without_tokens(unknown)
    assert [m.to_address for m in queued(db, "account.reset_password")] == ["known@example.org"]


def test_a_reset_link_leaves_the_address_sets_the_password_and_signs_out_everywhere(app, client, create_user, db):
    user = create_user("candidate")
    elsewhere = app.test_client()
    sign_in(elsewhere, user.email)
    client.post("/forgot-password", data={"email": user.email})
    path = link_path(queued(db, "account.reset_password")[0], "reset-password")

    opened = client.get(path)
    form = client.get("/reset-password")
    done = client.post("/reset-password", data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert (opened.status_code, opened.headers["Location"]) == (302, "/reset-password")
    assert "Choose a new password" in form.get_data(as_text=True)
    assert (done.status_code, done.headers["Location"]) == (302, "/sign-in")
    assert elsewhere.get("/home/candidate").status_code == 302
    assert sign_in(client, user.email).status_code == 200
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    another = app.test_client()
    another.get(path)
    assert another.get("/reset-password").status_code == 404


def test_a_reset_with_differing_passwords_is_shown_again_and_the_link_still_works(client, create_user, db):
    user = create_user("candidate")
    client.post("/forgot-password", data={"email": user.email})
    client.get(link_path(queued(db, "account.reset_password")[0], "reset-password"))

    differing = client.post("/reset-password", data={"password": NEW_PASSWORD, "password_again": "other"})
    short = client.post("/reset-password", data={"password": "short", "password_again": "short"})

    assert "The two passwords differ." in differing.get_data(as_text=True)
    assert "at least 10 characters" in short.get_data(as_text=True)
    assert client.get("/reset-password").status_code == 200


def test_a_page_without_a_working_link_is_404(client):
    client.get("/reset-password/forged-token")

    response = client.get("/reset-password")

    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)


def test_changing_email_from_the_account_page_takes_the_link_sent_to_the_new_address(app, client, db, login_as):
    user = login_as("candidate")

    asked = client.post("/account/email", data={"new_email": "moved@example.org", "password": PASSWORD},
                        follow_redirects=True)
    [message] = queued(db, "account.change_email")
    mailbox = app.test_client()  # the link may be opened in any browser
    mailbox.get(link_path(message, "change-email"))
    changed = mailbox.post("/change-email")

    assert "We sent a link to moved@example.org" in asked.get_data(as_text=True)
    assert message.to_address == "moved@example.org"
    old_email = user.email
    db.session.refresh(user)
    assert changed.status_code == 302
    assert user.email == "moved@example.org"
    assert [m.to_address for m in queued(db, "account.email_changed")] == [old_email]


def test_a_wrong_password_on_the_account_page_is_shown_on_its_field(client, db, login_as):
    login_as("candidate")

    page = client.post("/account/email", data={"new_email": "moved@example.org", "password": "wrong one"})

    assert "The password is not correct." in page.get_data(as_text=True)
    assert queued(db, "account.change_email") == []


def test_a_limit_answers_429_with_when_to_try_again(client, db):
    for _ in range(5):
        assert client.post("/forgot-password", data={"email": "someone@example.org"}).status_code == 200

    refused = client.post("/verify-email/resend", data={"email": "someone@example.org"})

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3000
    assert "try again in 60 minutes" in refused.get_data(as_text=True)
