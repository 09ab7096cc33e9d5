"""The portfolio through the test client: the candidate's pages and forms,
uploads refused by content, documents only for their owner and coordinators,
a reference link that works once, the coordinator's review, and the
competency record in HTML and PDF."""

import re
from io import BytesIO

import pytest
from sqlalchemy import select

from audit.models import AuditEntry
from competencies import references
from competencies.models import Application, ApplicationStatus, Document, ReferenceRequest
from competencies.uploads import MAX_BYTES
from rating import assignment
from tests.competencies.conftest import CANDIDATE_NAME, PDF_BYTES, fill, mailed_token, png_bytes
from tests.conftest import sign_in
from tests.crawler import crawl, leaks


def page(response):
    return response.get_data(as_text=True)


def browser(app, user):
    other = app.test_client()
    assert sign_in(other, user.email).status_code == 302
    return other


@pytest.fixture
def signed_in(client, candidate):
    assert sign_in(client, candidate.email).status_code == 302
    return client


REVIEWED = ("education", "training", "work_experience", "reflective_supervision", "references", "ethics",
            "membership")


BOUNDARY = "attest-test-boundary"


def multipart(name, data):
    """A document upload's body, built by hand: the test client would spool a large one to a file it never closes."""
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="document-label"\r\n\r\nCard\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="document-file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n")
    return head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def fetch(client, url):
    """GET a download, read and close it (send_file holds the file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def reload(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_a_candidate_starts_an_application_and_sees_the_checklist(signed_in, domains, db, candidate):
    response = signed_in.post("/portfolio/start", data={"endorsement": "mentor", "category": "policy"})
    application = db.session.query(Application).filter_by(candidate_id=candidate.id).one()
    assert response.headers["Location"].endswith(f"/portfolio/{application.id}")
    body = page(signed_in.get(f"/portfolio/{application.id}"))
    assert "Infant Mental Health Mentor (Level IV): Policy" in body
    assert "0 of 30 clock hours: add 30 more" in body
    assert "sign version 2026" in body
    again = signed_in.post("/portfolio/start", data={"endorsement": "mentor", "category": "clinical"},
                           follow_redirects=True)
    assert "you already have an application for the Infant Mental Health Mentor endorsement" in page(again)


def test_an_entry_with_a_bad_field_is_shown_again_naming_the_field(signed_in, application):
    response = signed_in.post(f"/portfolio/{application.id}/training", data={
        "training-taken_on": "2026-02-30", "training-title": "Seminar", "training-provider": "Institute",
        "training-hours": "three", "training-domains": ["TF"]})
    assert response.status_code == 400
    body = page(response)
    assert "Clock hours: Not a valid float value." in body
    assert "Date: Not a valid date value." in body
    assert 'value="Seminar"' in body


def test_training_added_through_the_form_counts_in_the_checklist(signed_in, application, db):
    response = signed_in.post(f"/portfolio/{application.id}/training", data={
        "training-taken_on": "2026-02-03", "training-title": "Seminar", "training-provider": "Institute",
        "training-hours": "12.5", "training-domains": ["TF", "REF"]})
    assert response.status_code == 302
    body = page(signed_in.get(f"/portfolio/{application.id}"))
    assert "12.5 of 30 clock hours: add 17.5 more" in body
    assert reload(db, Application, application.id).training[0].domains == ["TF", "REF"]


@pytest.mark.parametrize("name, data, message", [
    ("transcript.pdf", b"#!/bin/sh\nrm -rf ~\n", "transcript.pdf: is a script"),
    ("huge.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES, "huge.pdf: is 10.1 MB; documents may be 10 MB at most"),
    ("bank.pdf", b"PK\x03\x04" + b"\0" * 200, "bank.pdf: is a ZIP archive; archives are not accepted"),
])
def test_uploads_are_refused_by_content_and_nothing_is_kept(signed_in, application, db, app, name, data, message):
    response = signed_in.post(f"/portfolio/{application.id}/documents", data=multipart(name, data),
                              content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 400
    assert message in page(response)
    assert db.session.query(Document).count() == 0


def test_a_document_is_served_as_a_download_to_its_owner_and_coordinators_only(signed_in, application, app, db,
                                                                             create_user):
    image = png_bytes()
    signed_in.post(f"/portfolio/{application.id}/documents", data={
        "document-label": "Membership card", "document-file": (BytesIO(image), "card.pdf")},
        content_type="multipart/form-data")
    document = db.session.query(Document).one()
    assert (document.content_type, document.filename) == ("image/png", "card.png")
    url = f"/portfolio/{application.id}/documents/{document.id}"
    mine = fetch(signed_in, url)
    assert mine.status_code == 200 and mine.data == image
    assert mine.headers["Content-Disposition"].startswith("attachment")
    assert mine.headers["Content-Type"] == "image/png"
    assert fetch(browser(app, create_user("coordinator")), url).data == image
    assert fetch(browser(app, create_user("candidate")), url).status_code == 404
    assert fetch(browser(app, create_user("proctor")), url).status_code == 404
    assert fetch(app.test_client(), url).status_code == 302


def test_another_candidates_portfolio_is_not_found(app, application, create_user):
    other = browser(app, create_user("candidate"))
    assert other.get(f"/portfolio/{application.id}").status_code == 404
    assert other.get(f"/portfolio/{application.id}/record").status_code == 404
    assert other.post(f"/portfolio/{application.id}/ethics",
                      data={"ethics-typed_name": "x", "ethics-agree": "y"}).status_code == 404


def ask_riley(signed_in, application, email="riley@example.net", waived=False):
    data = {"reference-relationship": "rsc_provider", "reference-rater_name": "Riley", "reference-rater_email": email}
    response = signed_in.post(f"/portfolio/{application.id}/references",
                              data=data | ({"reference-waived": "y"} if waived else {}))
    assert response.status_code == 302, page(response)
    return mailed_token(email)


ALL_DOMAINS = ("TF", "LAW", "SYS", "DSS", "WWO", "COM", "THK", "REF", "ADM", "RES")


def test_a_reference_answers_through_the_mailed_link_without_an_account(signed_in, application, app, db):
    token = ask_riley(signed_in, application)
    own_view = page(signed_in.get(f"/portfolio/{application.id}"))
    assert token not in own_view and "sent" in own_view and "/references/open" not in own_view
    rater = app.test_client()
    opening = rater.get("/references/open")
    assert opening.status_code == 200 and opening.headers["Cache-Control"] == "no-store"
    assert "js/reference_link.js" in page(opening)
    opened = rater.post("/references/open", data={"code": token})
    assert opened.status_code == 303 and opened.headers["Location"] == "/references/answer"
    form = rater.get("/references/answer")
    assert f"Reference rating for {CANDIDATE_NAME}" in page(form) and token not in page(form)
    assert "the candidate has not waived access" in page(form).lower()
    assert "opened" in page(signed_in.get(f"/portfolio/{application.id}"))
    partial = rater.post("/references/answer", data={"domain-TF": "4"})
    assert partial.status_code == 400 and "answer every competency domain" in page(partial)
    answers = {f"domain-{code}": "3" for code in ALL_DOMAINS[:-1]}
    done = rater.post("/references/answer", data=answers | {"domain-RES": "nei", "rater_level": "III",
                                                            "comments": "Thoughtful."})
    assert "Thank you" in page(done)
    reference = db.session.query(ReferenceRequest).one()
    assert (reference.rater_level, reference.ratings["RES"], reference.ratings["TF"]) == ("III", None, 3)
    assert rater.get("/references/answer").status_code == 404
    assert rater.post("/references/open", data={"code": token}).status_code == 404
    own_view = page(signed_in.get(f"/portfolio/{application.id}"))
    assert "Thoughtful." in own_view and "answered" in own_view
    assert "waiting for a coordinator to verify it" in own_view


def test_the_candidate_is_refused_their_own_reference_page_even_with_the_link(signed_in, application, app):
    token = ask_riley(signed_in, application)

    refused = signed_in.post("/references/open", data={"code": token})

    assert refused.status_code == 403 and "cannot answer their own reference" in page(refused)
    rater = app.test_client()
    assert rater.post("/references/open", data={"code": token}).status_code == 303
    with rater.session_transaction() as held:
        link_hash = held["reference_link"]
    with signed_in.session_transaction() as session:
        session["reference_link"] = link_hash
    assert signed_in.get("/references/answer").status_code == 403
    assert signed_in.post("/references/answer", data={f"domain-{code}": "4" for code in ALL_DOMAINS}
                          ).status_code == 403
    assert signed_in.post("/references/decline", data={}).status_code == 403


def test_a_reference_declines_and_the_candidate_sees_only_that(signed_in, application, app, db):
    token = ask_riley(signed_in, application)
    rater = app.test_client()
    rater.post("/references/open", data={"code": token})

    declined = rater.post("/references/decline", data={"decline-reason": "NOT-FOR-THE-CANDIDATE"})

    assert declined.status_code == 200 and "You declined" in page(declined)
    own_view = page(signed_in.get(f"/portfolio/{application.id}"))
    assert "declined" in own_view and "NOT-FOR-THE-CANDIDATE" not in own_view


def test_the_candidate_withdraws_a_request_and_its_link_dies(signed_in, application, app, db):
    token = ask_riley(signed_in, application)
    reference = db.session.query(ReferenceRequest).one()

    assert signed_in.post(f"/portfolio/{application.id}/references/{reference.id}/withdraw").status_code == 302

    assert "withdrawn" in page(signed_in.get(f"/portfolio/{application.id}"))
    assert app.test_client().post("/references/open", data={"code": token}).status_code == 404


def test_the_candidate_s_page_is_the_same_whether_a_named_person_is_a_rater(signed_in, application, create_user):
    rater = create_user("rater")
    ask_riley(signed_in, application, rater.email)
    ask_riley(signed_in, application, "nobody-here@example.org")
    rows = re.findall(r'<tr class="reference-request">.*?</tr>', page(signed_in.get(f"/portfolio/{application.id}")),
                      re.S)

    assert len(rows) == 2
    assert re.sub(r"/references/\d+/", "/references/N/", rows[0].replace(rater.email, "EMAIL")) == \
        re.sub(r"/references/\d+/", "/references/N/", rows[1].replace("nobody-here@example.org", "EMAIL"))


def test_no_candidate_page_and_no_audit_entry_holds_a_token_or_a_waived_reference_s_words(signed_in, application,
                                                                                          db):
    fill(application, db)
    for reference in application.references:
        reference.comments = "PRIVATE-REMARK"
    waiting = ask_riley(signed_in, application, "waiting@example.net", waived=True)
    db.session.commit()

    pages = crawl(signed_in, f"/portfolio/{application.id}")
    pages += crawl(signed_in, f"/portfolio/{application.id}/record")

    hashes = [references.token_hash(waiting)]
    assert leaks(pages, [waiting, *hashes, "PRIVATE-REMARK", "Works well with families"]) == []
    assert any(path.endswith("/record.pdf") for path, _, _ in pages)
    entries = db.session.scalars(select(AuditEntry)).all()
    assert not any(waiting in f"{entry.details} {entry.origin}" for entry in entries)


def test_the_candidate_s_record_shows_no_judgement_drawn_from_waived_references(signed_in, application, db):
    fill(application, db)  # every reference waived

    body = page(signed_in.get(f"/portfolio/{application.id}/record"))

    assert "<td>Meets" not in body and "Below Meets" not in body and "Seen by coordinators only" in body
    assert "Judged by coordinators, with the ratings you waived access to" in body


def test_a_coordinator_verifies_a_level_and_confirms_a_named_conflict(signed_in, application, app, db, create_user):
    rater = create_user("rater")
    token = ask_riley(signed_in, application, rater.email)
    reference_browser = app.test_client()
    reference_browser.post("/references/open", data={"code": token})
    reference_browser.post("/references/answer", data={f"domain-{code}": "3" for code in ALL_DOMAINS}
                           | {"rater_level": "IV"})
    supervisor = create_user("rater")
    signed_in.post(f"/portfolio/{application.id}/supervision", data={
        "supervision-met_on": "2026-01-05", "supervision-hours": "2", "supervision-format": "individual",
        "supervision-provider_name": "Sam", "supervision-provider_email": supervisor.email})
    coordinator = browser(app, create_user("coordinator"))
    reference = db.session.query(ReferenceRequest).one()
    review_page = page(coordinator.get(f"/applications/{application.id}"))
    assert "Verify the Level IV endorsement" in review_page and supervisor.email in review_page

    empty = coordinator.post(f"/applications/{application.id}/references/{reference.id}/verify-level",
                             data={"note": ""})
    verified = coordinator.post(f"/applications/{application.id}/references/{reference.id}/verify-level",
                                data={"note": "Register entry 2024-117."})
    confirmed = coordinator.post(f"/applications/{application.id}/conflicts", data={"email": supervisor.email})

    assert empty.status_code == 400 and "say how the endorsement was verified" in page(empty)
    assert verified.status_code == 302 and confirmed.status_code == 302
    assert reload(db, ReferenceRequest, reference.id).level_verified
    assert assignment.conflicted(supervisor.id, application.candidate_id)
    assert assignment.conflicted(rater.id, application.candidate_id)  # answered: a conflict of itself


def test_the_coordinator_reviews_and_the_candidate_reads_the_comment(signed_in, application, app, db, create_user):
    fill(application, db)
    assert signed_in.post(f"/portfolio/{application.id}/submit").status_code == 302
    first, second = (browser(app, create_user("coordinator", name=name)) for name in ("Cora", "Cole"))
    queue = page(first.get("/applications?status=submitted"))
    assert CANDIDATE_NAME in queue
    review_page = page(first.get(f"/applications/{application.id}"))
    assert "Three professional reference ratings" in review_page and "msw.pdf" in review_page
    refused = first.post(f"/applications/{application.id}/status", data={"status-action": "approve"})
    assert refused.status_code == 400
    assert "every requirement needs a consensus of met first" in page(refused)
    for coordinator in (first, second):
        response = coordinator.post(f"/applications/{application.id}/decide", data={
            f"review-decision_{kind}": "met" for kind in REVIEWED})
        assert response.status_code == 302, page(response)
    approved = first.post(f"/applications/{application.id}/status", data={
        "status-action": "approve", "status-body": "You may book the written examination."})
    assert approved.status_code == 302
    assert reload(db, Application, application.id).state == ApplicationStatus.APPROVED
    assert "You may book the written examination." in page(signed_in.get(f"/portfolio/{application.id}"))


def test_the_record_prints_and_downloads_as_pdf(signed_in, application, db):
    fill(application, db)
    body = page(signed_in.get(f"/portfolio/{application.id}/record"))
    assert "Documentation of competencies" in body and "the written examination is not sat yet" in body
    assert "Theoretical Foundations" in body and "Meets" in body and "3.0 (" not in body
    pdf = signed_in.get(f"/portfolio/{application.id}/record.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="competency-record-{application.id}.pdf"'


def test_a_transcript_uploads_with_its_degree(signed_in, application, db):
    response = signed_in.post(f"/portfolio/{application.id}/education", data={
        "education-title": "MSW", "education-kind": "degree", "education-institution": "State University",
        "education-transcript": (BytesIO(PDF_BYTES), "msw transcript.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    entry = reload(db, Application, application.id).education[0]
    assert entry.transcript.filename == "msw_transcript.pdf"
    assert "education" not in {line for line in page(signed_in.get(f"/portfolio/{application.id}")).split()
                                if "upload the official transcript" in line}


def test_a_level_waiting_on_a_draft_is_on_the_coordinators_queue_until_verified(signed_in, application, app, db,
                                                                                create_user):
    token = ask_riley(signed_in, application, create_user("rater").email)
    reference_browser = app.test_client()
    reference_browser.post("/references/open", data={"code": token})
    reference_browser.post("/references/answer", data={f"domain-{code}": "3" for code in ALL_DOMAINS}
                           | {"rater_level": "IV"})
    coordinator = browser(app, create_user("coordinator"))
    reference = db.session.query(ReferenceRequest).one()

    waiting = page(coordinator.get("/applications"))
    coordinator.post(f"/applications/{application.id}/references/{reference.id}/verify-level",
                     data={"note": "Register entry 2024-117."})
    after = page(coordinator.get("/applications"))

    assert application.status == "draft"
    assert "Endorsement levels to verify (1)" in waiting and f"verify Level IV given by {reference.rater_name}" in waiting
    assert "Endorsement levels to verify" not in after


def test_a_refused_upload_is_told_beside_its_field_and_linked_from_the_summary(signed_in, application, db):
    response = signed_in.post(f"/portfolio/{application.id}/documents", data=multipart("card.pdf", b"#!/bin/sh\n"),
                              content_type=f"multipart/form-data; boundary={BOUNDARY}")

    body = page(response)
    assert re.search(r'<input aria-describedby="document-file-hint document-file-error" aria-invalid="true" '
                     r'id="document-file"', body)
    assert '<p class="error" id="document-file-error">card.pdf: is a script</p>' in body
    assert '<li><a href="#document-file">File: card.pdf: is a script</a></li>' in body
    assert 'class="flash flash-error' not in body


def test_a_refusal_by_the_rules_is_told_beside_the_field_it_is_about(signed_in, application):
    response = signed_in.post(f"/portfolio/{application.id}/work", data={
        "work-kind": "imh_services", "work-position": "Specialist", "work-employer": "Center",
        "work-started_on": "2024-05-01", "work-ended_on": "2023-01-01"})

    assert response.status_code == 400
    assert '<p class="error" id="work-ended_on-error">work: the end date is before the start date</p>' in page(response)
    assert '<details open><summary>Add work experience</summary>' in page(response)


def test_a_refused_transcript_is_told_beside_its_own_degree(signed_in, application, db):
    for title in ("MSW", "PhD"):
        signed_in.post(f"/portfolio/{application.id}/education", data={
            "education-title": title, "education-kind": "degree", "education-institution": "U"})
    second = reload(db, Application, application.id).education[1]

    response = signed_in.post(f"/portfolio/{application.id}/education/{second.id}/transcript",
                              data={"transcript-file": (BytesIO(b"PK\x03\x04zip"), "phd.pdf")},
                              content_type="multipart/form-data")

    body = page(response)
    assert f'aria-describedby="transcript-{second.id}-error"' in body
    assert f'<p class="error" id="transcript-{second.id}-error">phd.pdf: is a ZIP archive' in body
    assert f'<a href="#transcript-{second.id}">' in body


def test_each_checklist_line_links_to_its_section(signed_in, application):
    body = page(signed_in.get(f"/portfolio/{application.id}"))

    for section in ("education", "training", "work", "supervision", "references", "ethics", "membership"):
        assert f'<a href="#{section}"><strong>' in body and f'id="{section}"' in body
