"""Who may use which route: the declared answer for every principal.

Every route of the app must appear here (test_access_matrix checks it). When
an issue adds a route, it adds a line. Paths may name objects that exist for
every check: `{owner_id}`, a candidate who is not the signed-in principal
("another candidate's" object); `{item_id}` and `{enemy_id}`, approved items;
`{domain_id}`; `{blueprint_id}`; `{form_id}`, a draft form of the blueprint,
and `{form_item_id}`, its first item; `{session_id}`, an open session with
the owner enrolled, `{enrollment_id}` the owner's place in it, and
`{attempt_id}`, the owner's attempt in it, started; `{incident_id}`, an
incident recorded in that session. `{published_form_id}` is the session's
form and `{published_form_item_id}` its first item; `{study_id}` an Angoff
study of it with no panelists, so its rating sheet is 404 to everyone.
`{application_id}` is the owner's draft Mentor application, `{document_id}` a
document in it and `{reference_id}` a reference request not answered yet. A candidate reaching another's session or
attempt gets 404, as for none. The proctor principal is assigned to the
session; "other_proctor" is a proctor who is not, and gets 404 for it.
"""

from dataclasses import dataclass, field

from accounts.roles import Role

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
OTHER_CANDIDATE = "other_candidate"
OTHER_PROCTOR = "other_proctor"
PRINCIPALS = [ANONYMOUS, NO_ROLE, OTHER_CANDIDATE, OTHER_PROCTOR, *(role.value for role in Role)]
SIGNED_IN = [p for p in PRINCIPALS if p != ANONYMOUS]


@dataclass(frozen=True)
class Check:
    method: str
    path: str
    endpoint: str
    expected: dict = field(hash=False)

    def status_for(self, principal):
        return self.expected[principal]


def everyone(status, anonymous=None):
    return {p: status for p in SIGNED_IN} | {ANONYMOUS: status if anonymous is None else anonymous}


def only(allowed, status=200):
    """The given roles get `status`; other signed-in users 403; anonymous is sent to sign in."""
    allowed = {role.value for role in allowed}
    holds = {OTHER_PROCTOR: Role.PROCTOR.value}  # a proctor, only not this session's
    return {p: (status if holds.get(p, p) in allowed else 403) for p in SIGNED_IN} | {ANONYMOUS: 302}


def assigned(status=200):
    """The session's proctor and admins get `status`; a proctor of other sessions 404."""
    return only(PROCTOR_STAFF, status) | {OTHER_PROCTOR: 404}


def role_home(role):
    return only([role])


def owner_or_staff(status=200):
    """The owner's portfolio pages: coordinators and admins get `status`; anyone else signed in 404 (not theirs)."""
    return {p: (status if p in {role.value for role in COORDINATORS} else 404) for p in SIGNED_IN} | {ANONYMOUS: 302}


ADMIN = [Role.ADMIN]
WRITERS = [Role.ITEM_WRITER, Role.PSYCHOMETRICIAN, Role.ADMIN]
FORM_BUILDERS = [Role.PSYCHOMETRICIAN, Role.ADMIN]
DOMAIN_EDITORS = [Role.COORDINATOR, Role.ADMIN]
PROCTOR_STAFF = [Role.PROCTOR, Role.ADMIN]
PSYCHOMETRIC_STAFF = [Role.PSYCHOMETRICIAN, Role.ADMIN]
COORDINATORS = [Role.COORDINATOR, Role.ADMIN]
# Each role's home page; the rater's is rating's queue.
HOME_ENDPOINTS = {role: f"home.{role.value}" for role in Role} | {Role.RATER: "rating.dashboard"}
SESSION = "/proctor/sessions/{session_id}"
ANALYSIS = "/analysis/forms/{published_form_id}"
STUDY = "/analysis/angoff/{study_id}"
PORTFOLIO = "/portfolio/{application_id}"
REVIEW = "/applications/{application_id}"

CHECKS = [
    Check("GET", "/", "home.index", everyone(302)),
    Check("GET", "/home", "home.no_role", everyone(302) | {NO_ROLE: 200}),
    *(
        Check("GET", f"/home/{role.value.replace('_', '-')}", HOME_ENDPOINTS[role],
              role_home(role) | ({OTHER_CANDIDATE: 200} if role is Role.CANDIDATE else {}))
        for role in Role
    ),
    Check("GET", "/sign-in", "accounts.sign_in", everyone(302, anonymous=200)),
    Check("POST", "/sign-in", "accounts.sign_in", everyone(302, anonymous=200)),
    Check("POST", "/sign-out", "accounts.sign_out", everyone(302)),
    # Self-service: an empty post is shown again with its errors.
    Check("GET", "/register", "self_service.register", everyone(302, anonymous=200)),
    Check("POST", "/register", "self_service.register", everyone(302, anonymous=200)),
    Check("GET", "/forgot-password", "self_service.forgot_password", everyone(200)),
    Check("POST", "/forgot-password", "self_service.forgot_password", everyone(200)),
    Check("GET", "/verify-email/resend", "self_service.resend_verification", everyone(200)),
    Check("POST", "/verify-email/resend", "self_service.resend_verification", everyone(200)),
    Check("GET", "/account/email", "self_service.request_email_change", everyone(200, anonymous=302)),
    Check("POST", "/account/email", "self_service.request_email_change", everyone(200, anonymous=302)),
    # A mailed link moves its token into the session and redirects to its page,
    # which is 404 without a working link held.
    *(
        check
        for path in ("/verify-email", "/reset-password", "/change-email")
        for endpoint in [f"self_service.{path[1:].replace('-', '_')}"]
        for check in (
            Check("GET", path + "/not-a-link", endpoint + "_link", everyone(302)),
            Check("GET", path, endpoint, everyone(404)),
            Check("POST", path, endpoint, everyone(404)),
        )
    ),
    Check("GET", "/admin/users", "accounts.list_users", only(ADMIN)),
    Check("GET", "/admin/users/new", "accounts.create_user", only(ADMIN)),
    Check("POST", "/admin/users/new", "accounts.create_user", only(ADMIN)),
    Check("GET", "/admin/users/{owner_id}", "accounts.edit_user", only(ADMIN)),
    Check("GET", "/admin/users/999999999", "accounts.edit_user", only(ADMIN, status=404)),
    # An empty post keeps every field as it was: saved, redirected.
    Check("POST", "/admin/users/{owner_id}", "accounts.edit_user", only(ADMIN, status=302)),
    Check("GET", "/admin/audit", "audit.list_entries", only(ADMIN)),
    Check("GET", "/admin/audit.csv", "audit.export_entries", only(ADMIN)),
    Check("GET", "/admin/outbox", "mail.outbox_messages", only(ADMIN)),
    Check("GET", "/admin/outbox/999999999", "mail.outbox_message", only(ADMIN, status=404)),
    Check("POST", "/admin/outbox/999999999/send-again", "mail.send_again", only(ADMIN, status=404)),
    # Each person's own messages; another's is 404 (tests/accounts/test_mail_views.py).
    Check("GET", "/messages", "mail.my_messages", everyone(200, anonymous=302)),
    Check("GET", "/messages/999999999", "mail.my_message", everyone(404, anonymous=302)),
    Check("GET", "/items", "item_bank.list_items", only(WRITERS)),
    Check("GET", "/items/new/selected_response", "item_bank.create_item", only(WRITERS)),
    Check("GET", "/items/new/constructed_response", "item_bank.create_item", only(WRITERS)),
    Check("GET", "/items/new/essay", "item_bank.create_item", only(WRITERS, status=404)),
    Check("POST", "/items/new/selected_response", "item_bank.create_item", only(WRITERS)),
    Check("GET", "/items/{item_id}", "item_bank.show_item", only(WRITERS)),
    Check("GET", "/items/999999999", "item_bank.show_item", only(WRITERS, status=404)),
    Check("GET", "/items/{item_id}/edit", "item_bank.edit_item", only(WRITERS)),
    Check("POST", "/items/{item_id}/edit", "item_bank.edit_item", only(WRITERS)),
    Check("GET", "/items/{item_id}/versions/1/preview", "item_bank.preview_item", only(WRITERS)),
    Check("GET", "/items/{item_id}/versions/9/preview", "item_bank.preview_item", only(WRITERS, status=404)),
    Check("POST", "/items/{item_id}/versions/1/status", "item_bank.move_item", only(WRITERS, status=302)),
    Check("POST", "/items/{item_id}/enemies", "item_bank.add_enemy", only(WRITERS, status=302)),
    Check("POST", "/items/{item_id}/enemies/{enemy_id}/remove", "item_bank.remove_enemy", only(WRITERS, status=302)),
    Check("GET", "/review", "item_bank.review_queue", only(WRITERS)),
    Check("GET", "/items/import", "item_bank.import_items", only(WRITERS)),
    Check("POST", "/items/import", "item_bank.import_items", only(WRITERS)),
    Check("GET", "/items/export.json", "item_bank.export_items", only(WRITERS)),
    # An upload without an image is refused; an image the bank does not hold is not found, whoever asks.
    Check("POST", "/item-bank/images", "item_bank.upload_image", only(WRITERS, status=400)),
    Check("GET", "/item-bank/images/" + "0" * 64, "item_bank.show_image", everyone(404, anonymous=302)),
    Check("GET", "/items/export.zip", "item_bank.export_items", only(WRITERS)),
    Check("GET", "/items/export.xml", "item_bank.export_items", only(WRITERS, status=404)),
    Check("GET", "/domains", "item_bank.list_domains", only(DOMAIN_EDITORS + WRITERS)),
    Check("GET", "/domains/new", "item_bank.edit_domain", only(DOMAIN_EDITORS)),
    Check("POST", "/domains/new", "item_bank.edit_domain", only(DOMAIN_EDITORS)),
    Check("GET", "/domains/{domain_id}", "item_bank.edit_domain", only(DOMAIN_EDITORS)),
    # An empty post keeps the domain as it was: saved, redirected.
    Check("POST", "/domains/{domain_id}", "item_bank.edit_domain", only(DOMAIN_EDITORS, status=302)),
    Check("GET", "/blueprints", "item_bank.list_blueprints", only(FORM_BUILDERS)),
    Check("GET", "/blueprints/{blueprint_id}", "item_bank.show_blueprint", only(FORM_BUILDERS)),
    Check("POST", "/blueprints/{blueprint_id}", "item_bank.show_blueprint", only(FORM_BUILDERS)),
    Check("GET", "/forms", "item_bank.list_forms", only(FORM_BUILDERS)),
    Check("GET", "/forms/{form_id}", "item_bank.show_form", only(FORM_BUILDERS)),
    Check("GET", "/forms/{form_id}/items/{form_item_id}/swap", "item_bank.swap_form_item", only(FORM_BUILDERS)),
    Check("POST", "/forms/{form_id}/items/{form_item_id}/swap", "item_bank.swap_form_item", only(FORM_BUILDERS)),
    Check("POST", "/forms/{form_id}/publish", "item_bank.publish_form", only(FORM_BUILDERS, status=302)),
    # An empty post is shown again with its error.
    Check("POST", "/forms/{form_id}/break", "item_bank.set_form_break", only(FORM_BUILDERS)),
    *(
        Check(method, path, endpoint, only([Role.CANDIDATE], status=404) | {OTHER_CANDIDATE: 404})
        for method, path, endpoint in [
            ("GET", "/exam/sessions/{session_id}/join", "exam.join_session"),
            ("POST", "/exam/sessions/{session_id}/join", "exam.join_session"),
            ("GET", "/exam/attempts/{attempt_id}/agreement", "exam.agree"),
            ("POST", "/exam/attempts/{attempt_id}/agreement", "exam.agree"),
            ("GET", "/exam/attempts/{attempt_id}", "exam.sit"),
            ("GET", "/exam/attempts/{attempt_id}/review", "exam.review"),
            ("POST", "/exam/attempts/{attempt_id}/sections/1/finish", "exam.finish_section"),
            ("POST", "/exam/attempts/{attempt_id}/sections/2/start", "exam.end_break"),
            ("GET", "/exam/attempts/{attempt_id}/state", "exam.state"),
            ("POST", "/exam/attempts/{attempt_id}/claim", "exam.claim"),
            ("POST", "/exam/attempts/{attempt_id}/saves", "exam.save"),
            ("GET", "/exam/attempts/{attempt_id}/result", "results.result"),
        ]
    ),
    # The session's .seb file: its enrolled candidates (not a principal here), proctors and admins.
    Check("GET", "/exam/sessions/{session_id}/config.seb", "exam.safe_exam_browser_config",
          only([Role.CANDIDATE, *PROCTOR_STAFF]) | {Role.CANDIDATE.value: 404, OTHER_CANDIDATE: 404, OTHER_PROCTOR: 404}),
    Check("GET", "/proctor/sessions", "proctor.list_sessions", only(PROCTOR_STAFF)),
    Check("GET", "/proctor/sessions/new", "proctor.schedule_session", only(PROCTOR_STAFF)),
    # An empty post is shown again with its errors.
    Check("POST", "/proctor/sessions/new", "proctor.schedule_session", only(PROCTOR_STAFF)),
    Check("GET", "/proctor/sessions/999999999", "proctor.board_page", only(PROCTOR_STAFF, status=404)),
    Check("GET", SESSION, "proctor.board_page", assigned()),
    Check("GET", SESSION + "/board.json", "proctor.board_json", assigned()),
    Check("GET", SESSION + "/edit", "proctor.edit_session", assigned()),
    Check("POST", SESSION + "/edit", "proctor.edit_session", assigned()),
    Check("POST", SESSION + "/actions", "proctor.act", assigned(302)),
    Check("POST", SESSION + "/session-actions", "proctor.act_on_session", assigned(302)),
    # Without `confirmed`, the confirmation page.
    Check("POST", SESSION + "/code", "proctor.regenerate_code", assigned()),
    Check("GET", SESSION + "/close", "proctor.close_session", assigned()),
    Check("POST", SESSION + "/close", "proctor.close_session", assigned()),
    Check("GET", SESSION + "/enrollment", "proctor.enrollment", assigned()),
    Check("POST", SESSION + "/enrollment", "proctor.enrollment", assigned()),
    Check("POST", SESSION + "/enrollment/add", "proctor.enroll_candidate", assigned(302)),
    Check("GET", SESSION + "/candidates/{enrollment_id}", "proctor.candidate", assigned()),
    Check("GET", SESSION + "/candidates/999999999", "proctor.candidate", assigned(404)),
    Check("POST", SESSION + "/candidates/{enrollment_id}", "proctor.candidate", assigned()),
    Check("GET", SESSION + "/candidates/{enrollment_id}/identity", "proctor.check_identity", assigned()),
    # An empty post is shown again with its errors.
    Check("POST", SESSION + "/candidates/{enrollment_id}/identity", "proctor.check_identity", assigned()),
    Check("GET", SESSION + "/candidates/999999999/identity", "proctor.check_identity", assigned(404)),
    Check("GET", SESSION + "/incidents/new", "proctor.record_incident", assigned()),
    Check("POST", SESSION + "/incidents/new", "proctor.record_incident", assigned()),
    Check("POST", SESSION + "/incidents/{incident_id}/follow-up", "proctor.follow_up", assigned(302)),
    Check("POST", SESSION + "/incidents/999999999/follow-up", "proctor.follow_up", assigned(404)),
    Check("GET", SESSION + "/report", "proctor.report", assigned()),
    Check("GET", SESSION + "/report/attendance.csv", "proctor.report_csv", assigned()),
    Check("GET", SESSION + "/report/events.csv", "proctor.report_csv", assigned()),
    Check("GET", "/analysis/forms", "analysis.list_forms", only(PSYCHOMETRIC_STAFF)),
    Check("GET", ANALYSIS, "analysis.form_statistics", only(PSYCHOMETRIC_STAFF)),
    Check("GET", "/analysis/forms/{form_id}", "analysis.form_statistics", only(PSYCHOMETRIC_STAFF, 404)),  # a draft
    # No submitted attempt yet: computing says so and returns to the form's page.
    Check("POST", ANALYSIS + "/compute", "analysis.compute", only(PSYCHOMETRIC_STAFF, 302)),
    Check("POST", ANALYSIS + "/equate", "analysis.equate", only(PSYCHOMETRIC_STAFF, 302)),
    Check("GET", ANALYSIS + "/items/{published_form_item_id}", "analysis.item_page", only(PSYCHOMETRIC_STAFF, 404)),
    Check("GET", ANALYSIS + "/export/raw.csv", "analysis.export", only(PSYCHOMETRIC_STAFF, 302)),
    Check("GET", ANALYSIS + "/export/passwords.csv", "analysis.export", only(PSYCHOMETRIC_STAFF, 404)),
    Check("GET", ANALYSIS + "/dif", "analysis.dif", only(PSYCHOMETRIC_STAFF)),
    Check("POST", ANALYSIS + "/dif", "analysis.dif", only(PSYCHOMETRIC_STAFF)),
    Check("GET", ANALYSIS + "/scoring", "analysis.key_review", only(PSYCHOMETRIC_STAFF)),
    Check("POST", ANALYSIS + "/scoring", "analysis.key_review", only(PSYCHOMETRIC_STAFF)),
    Check("GET", ANALYSIS + "/revisions/0", "analysis.revision_scores", only(PSYCHOMETRIC_STAFF, 404)),
    Check("GET", ANALYSIS + "/angoff", "analysis.angoff_studies", only(PSYCHOMETRIC_STAFF)),
    Check("POST", ANALYSIS + "/angoff", "analysis.angoff_studies", only(PSYCHOMETRIC_STAFF)),
    Check("GET", STUDY, "analysis.angoff_study", only(PSYCHOMETRIC_STAFF)),
    Check("POST", STUDY, "analysis.angoff_study", only(PSYCHOMETRIC_STAFF)),
    Check("POST", STUDY + "/round-two", "analysis.open_round_two", only(PSYCHOMETRIC_STAFF, 302)),
    Check("POST", STUDY + "/close", "analysis.close_angoff", only(PSYCHOMETRIC_STAFF, 302)),
    Check("GET", STUDY + "/ratings", "analysis.angoff_ratings", everyone(404, anonymous=302) | {NO_ROLE: 403}),
    Check("POST", STUDY + "/ratings", "analysis.angoff_ratings", everyone(404, anonymous=302) | {NO_ROLE: 403}),
    # A rater reaches a response only by the code of one assigned to them: any other code is 404.
    Check("GET", "/rating/responses/V-NONE00", "rating.rate", only([Role.RATER], 404)),
    Check("POST", "/rating/responses/V-NONE00", "rating.rate", only([Role.RATER], 404)),
    Check("POST", "/rating/responses/V-NONE00/concern", "rating.raise_concern", only([Role.RATER], 404)),
    Check("GET", "/rating/overview", "rating.overview", only(COORDINATORS)),
    Check("GET", "/rating/forms/{published_form_id}/plan", "rating.plan", only(COORDINATORS)),
    Check("POST", "/rating/forms/{published_form_id}/plan", "rating.plan", only(COORDINATORS)),
    Check("GET", "/rating/forms/{form_id}/plan", "rating.plan", only(COORDINATORS, 404)),  # a draft
    Check("GET", "/rating/forms/{published_form_id}/responses", "rating.form_responses", only(COORDINATORS)),
    Check("POST", "/rating/forms/{published_form_id}/assign", "rating.assign_automatically", only(COORDINATORS, 302)),
    # An empty post names no rater.
    Check("POST", "/rating/responses/{response_id}/assign", "rating.assign", only(COORDINATORS, 400)),
    Check("POST", "/rating/ratings/999999999/withdraw", "rating.withdraw", only(COORDINATORS, 404)),
    Check("GET", "/rating/ratings/999999999/correct", "rating.correct", only(COORDINATORS, 404)),
    Check("POST", "/rating/ratings/999999999/correct", "rating.correct", only(COORDINATORS, 404)),
    Check("GET", "/rating/forms/{published_form_id}/quality", "rating.form_quality",
          only([Role.COORDINATOR, Role.PSYCHOMETRICIAN, Role.ADMIN])),
    Check("GET", "/rating/forms/{published_form_id}/anchors", "rating.form_anchors", only(COORDINATORS)),
    Check("POST", "/rating/forms/{published_form_id}/items/999999999/anchors", "rating.choose_anchor",
          only(COORDINATORS, 404)),
    Check("POST", "/rating/anchors/999999999/remove", "rating.remove_anchor", only(COORDINATORS, 404)),
    Check("GET", "/rating/concerns/999999999", "rating.concern", only(COORDINATORS, 404)),
    Check("POST", "/rating/concerns/999999999", "rating.concern", only(COORDINATORS, 404)),
    Check("GET", "/rating/conflicts", "rating.conflicts", only(COORDINATORS)),
    Check("POST", "/rating/conflicts", "rating.conflicts", only(COORDINATORS)),
    Check("POST", "/rating/conflicts/999999999/remove", "rating.remove_conflict", only(COORDINATORS, 404)),
    Check("GET", "/rating/sessions/{session_id}/results", "results.session_results", only(COORDINATORS)),
    Check("POST", "/results/sessions/{session_id}/release", "results.release_results",
          only([Role.COORDINATOR, Role.PSYCHOMETRICIAN, Role.ADMIN], 302)),
    Check("GET", "/rating/attempts/{attempt_id}/letter", "results.letter_preview", only(COORDINATORS, 404)),
    Check("GET", "/portfolio", "portfolio.index", only([Role.CANDIDATE]) | {OTHER_CANDIDATE: 200}),
    # An empty post names no endorsement: refused, back to the list.
    Check("POST", "/portfolio/start", "portfolio.start", only([Role.CANDIDATE], 302) | {OTHER_CANDIDATE: 302}),
    *(
        Check(method, PORTFOLIO + path, endpoint, only([Role.CANDIDATE], status=404) | {OTHER_CANDIDATE: 404})
        for method, path, endpoint in [
            ("GET", "", "portfolio.application"),
            ("POST", "/category", "portfolio.change_category"),
            ("POST", "/training", "portfolio.add_entry"),
            ("POST", "/training/999999999/remove", "portfolio.remove_entry"),
            ("GET", "/training/999999999/edit", "portfolio.edit_entry"),
            ("POST", "/training/999999999/edit", "portfolio.edit_entry"),
            ("POST", "/supervision/import", "portfolio.import_supervision"),
            ("POST", "/education/999999999/transcript", "portfolio.upload_transcript"),
            ("POST", "/documents", "portfolio.upload_document"),
            ("POST", "/documents/{document_id}/remove", "portfolio.remove_document"),
            ("POST", "/ethics", "portfolio.sign_ethics"),
            ("POST", "/membership", "portfolio.membership"),
            ("POST", "/references", "portfolio.ask_reference"),
            ("POST", "/references/{reference_id}/withdraw", "portfolio.withdraw_reference"),
            ("POST", "/submit", "portfolio.submit"),
            ("POST", "/directory", "verification.set_listing"),
        ]
    ),
    Check("GET", "/portfolio/supervision-log-template.csv", "portfolio.supervision_log_template",
          only([Role.CANDIDATE]) | {OTHER_CANDIDATE: 200}),
    Check("GET", PORTFOLIO + "/documents/{document_id}", "portfolio.download", owner_or_staff()),
    Check("GET", PORTFOLIO + "/record", "portfolio.competency_record", owner_or_staff()),
    Check("GET", PORTFOLIO + "/record.pdf", "portfolio.competency_record_pdf", owner_or_staff()),
    # The reference's pages need no account: the open page is for anyone; without an opened link there is
    # nothing to answer or decline, and an empty post opens nothing.
    Check("GET", "/references/open", "references.open_link", everyone(200)),
    Check("POST", "/references/open", "references.open_link", everyone(400)),
    Check("GET", "/references/answer", "references.answer", everyone(404)),
    Check("POST", "/references/answer", "references.answer", everyone(404)),
    Check("POST", "/references/decline", "references.decline", everyone(404)),
    Check("GET", "/verify", "verification.lookup", everyone(200)),
    Check("GET", "/verify/MENTOR-2026-00001", "verification.verify", everyone(200)),
    Check("GET", "/verify/MENTOR-2026-00001?code=0000-0000-0000", "verification.verify", everyone(404)),
    Check("GET", "/directory", "verification.directory", everyone(200)),
    Check("GET", "/applications", "review.queue", only(COORDINATORS)),
    Check("GET", REVIEW, "review.application", only(COORDINATORS)),
    # Empty posts are refused with their reasons; a draft is not reviewed, endorsed or renewed.
    *(
        Check("POST", REVIEW + path, endpoint, only(COORDINATORS, 400))
        for path, endpoint in [
            ("/decide", "review.decide"), ("/consensus", "review.record_consensus"), ("/assign", "review.assign"),
            ("/status", "review.change_status"), ("/comment", "review.comment"),
            ("/endorse", "review.endorse"), ("/renew", "review.renew"),
            ("/education/999999999/accept", "review.accept_degree"),
            ("/supervision/999999999/approve", "review.approve_provider"),
            ("/conflicts", "review.confirm_conflict"),
        ]
    ),
    Check("POST", REVIEW + "/references/{reference_id}/verify-level", "review.verify_reference_level",
          only(COORDINATORS, 400)),
    Check("GET", "/healthz", "health.healthz", everyone(200)),
    Check("GET", "/openapi.json", "openapi.document", everyone(200)),
    Check("GET", "/static/css/attest.css", "static", everyone(200)),
]
