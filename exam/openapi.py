"""The exam's JSON endpoints for the OpenAPI document: the runner's state
poll, claim and saves, and the proctor's live board.

The enumerations are the code's own: attempt statuses, holds, standings, the
codes of `exam/codes.py`, and the bodies of `exam/bodies.py`.
"""

from exam import bodies
from exam.codes import ACK_STATUSES, StateCode, ack_codes
from exam.models import AttemptStatus, Hold
from exam.proctoring import Standing
from exam.saving import EPOCH_SPAN
from item_bank.kinds.base import MAX_HIGHLIGHT_OFFSET, MAX_HIGHLIGHTS
from openapi.parts import (
    JSON,
    NOT_ALLOWED,
    SIGN_IN_REDIRECT,
    SIGNED_IN,
    SIGNED_IN_WITH_CSRF,
    UNAVAILABLE,
    error_response,
    id_parameter,
    json_content,
    nullable,
    ref,
)

TAGS = [{"name": "exam runner"}, {"name": "proctor"}]
ATTEMPT_ID = id_parameter("attempt_id", "The signed-in candidate's attempt; another's answers 404, as for none.")
SESSION_ID = id_parameter("session_id", "An exam session the signed-in proctor is assigned to (an admin: any).")
SEB_HASH = {"name": "X-SafeExamBrowser-ConfigKeyHash", "in": "header", "required": False,
            "schema": {"type": "string"},
            "description": "Sent by Safe Exam Browser: SHA-256 (hex) of the request's absolute URL followed by the "
                           "Config Key of the session's .seb file. Required in a session that requires Safe Exam "
                           "Browser; ignored in any other."}

SCHEMAS = {
    "AttemptState": {
        "type": "object",
        "description": "Where the attempt stands by the server's clock. Every request about an attempt settles it "
                       "first: a part whose time ran out is closed, and after the last the attempt is submitted.",
        "required": ["code", "status", "position", "seconds_left", "deadline", "break_seconds_left", "break_ends_at",
                     "server_now", "paused", "hold", "superseded"],
        "properties": {
            "code": {"enum": [code.value for code in StateCode],
                     "description": "What the runner does: sit on (`in_progress`), show the pause (`paused`, "
                                    "`hold` says why), stop saving (`stale_tab`), or load the attempt's page "
                                    "(`not_started`, `finished`, and `on_break`: between two parts, the next "
                                    "starting when the candidate continues or the break ends)."},
            "status": {"enum": [status.value for status in AttemptStatus]},
            "position": {**nullable({"type": "integer", "minimum": 1}),
                         "description": "The open part's number; null unless in progress or paused."},
            "seconds_left": {**nullable({"type": "integer", "minimum": 0}),
                             "description": "Time left in the open part; it stands still while paused. Null "
                                            "during the break before it: its clock has not started."},
            "deadline": {**nullable({"type": "string", "format": "date-time"}),
                         "description": "The open part's deadline (UTC), before any grace period; null during "
                                        "the break before it."},
            "break_seconds_left": {**nullable({"type": "integer", "minimum": 0}),
                                   "description": "Time left in the break before the part at `position`; null "
                                                  "when not on a break. It stands still while paused."},
            "break_ends_at": {**nullable({"type": "string", "format": "date-time"}),
                              "description": "When the break ends (UTC) and the next part starts, unless the "
                                             "candidate continues first; a pause moves it on when it ends."},
            "server_now": {"type": "string", "format": "date-time",
                           "description": "The server's clock (UTC), to correct the runner's countdown."},
            "paused": {"type": "boolean"},
            "hold": {**nullable({"enum": [hold.value for hold in Hold]}),
                     "description": "Why a paused attempt is paused: a proctor, or reopened elsewhere and waiting "
                                    "for re-admission."},
            "superseded": {"type": "boolean",
                           "description": "Another tab has claimed the attempt since this one: stop saving."},
        },
    },
    "StorableJson": bodies.STORABLE_JSON_SCHEMA,
    "Claim": bodies.CLAIM.schema(),
    "Claimed": {
        "allOf": [ref("AttemptState"), {
            "type": "object",
            "required": ["seq_base", "saved"],
            "properties": {
                "seq_base": {"type": "integer", "minimum": EPOCH_SPAN, "multipleOf": EPOCH_SPAN,
                             "description": "Number this tab's saves from seq_base + 1: a later claim gets a "
                                            "higher base, so its saves outnumber every earlier tab's."},
                "saved": {
                    "type": "array",
                    "description": "What is stored for each question of the open part (none when no part is "
                                   "open). The runner shows it wherever no change of its own is pending: the "
                                   "page may have been drawn before the last page's save was committed.",
                    "items": {
                        "type": "object",
                        "required": ["response", "answer", "flag", "choose", "marks"],
                        "properties": {
                            "response": {"type": "integer"},
                            "answer": {**nullable({"type": "object"}),
                                       "description": "In the shape the question's item kind saves."},
                            "flag": {"type": "boolean"},
                            "choose": {"type": "boolean"},
                            "marks": {"anyOf": [{"type": "null"}, ref("Marks")]},
                        },
                    },
                },
            },
        }],
    },
    "Saves": bodies.SAVES.schema(),
    "Marks": {
        "type": "object",
        "description": "A save's `value` for the field `marks`: the candidate's reading aids, shown back to them "
                       "only, never scored, rated or exported. Refused in the ack (`marks_malformed`, naming the "
                       "field) when not in this shape or naming an option the item does not have.",
        "required": ["struck", "highlights"],
        "additionalProperties": False,
        "properties": {
            "struck": {"type": "array", "uniqueItems": True, "items": {"type": "string"},
                       "description": "The options crossed out, by id (the radio button's value)."},
            "highlights": {"type": "array", "maxItems": MAX_HIGHLIGHTS,
                           "description": "[start, end) offsets into the text of the item's highlightable part "
                                          "(UTF-16 units), sorted and apart.",
                           "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                     "items": {"type": "integer", "minimum": 0,
                                               "maximum": MAX_HIGHLIGHT_OFFSET}}},
        },
    },
    "Ack": {
        "type": "object",
        "required": ["seq", "status", "code", "reason"],
        "properties": {
            "seq": {"type": "integer"},
            "status": {"enum": list(ACK_STATUSES),
                       "description": "`saved`; `duplicate`, a number already received; `stale`, journaled but a "
                                      "higher number holds the field; `refused`. The code says which exactly."},
            "code": {"enum": ack_codes(),
                     "description": "What became of the save. Only `saved` and `duplicate` mean the server holds "
                                    "it; `section_closed` is a change made after its part's time was over, "
                                    "`choice_limit` more chosen than the part allows."},
            "reason": {"type": "string", "description": "Why the save is not held, for the candidate; else empty."},
        },
    },
    "Saved": {
        "allOf": [ref("AttemptState"), {
            "type": "object",
            "required": ["acks"],
            "properties": {"acks": {"type": "array", "items": ref("Ack"),
                                    "description": "One per save, in sequence order, sent once committed."}},
        }],
    },
    "BoardRow": {
        "type": "object",
        "required": ["enrollment", "name", "email", "standing", "label", "section", "answered", "required",
                     "progress", "seconds_left", "last_contact", "silent_seconds", "silent", "accommodations", "finish_reason",
                     "identity_checked"],
        "properties": {
            "enrollment": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "standing": {"enum": [standing.value for standing in Standing]},
            "label": {"type": "string", "description": "The standing for people, e.g. `In progress`."},
            "section": {**nullable({"type": "string"}), "description": "The open part, e.g. `1 of 2`."},
            "answered": {"type": "integer", "minimum": 0,
                         "description": "Of the required questions, those answered (extra choices not counted)."},
            "required": {"type": "integer", "minimum": 0,
                         "description": "The questions the candidate must answer: k in a part of \"answer k of n\"."},
            "progress": {"type": "string", "description": "For people, e.g. `2 of 4 required (2 of 3 in Part One; "
                                                        "0 of 1 in Part Two)` or `All 4 required answered`; "
                                                        "empty before the start."},
            "seconds_left": nullable({"type": "integer", "minimum": 0}),
            "last_contact": nullable({"type": "string", "format": "date-time"}),
            "silent_seconds": nullable({"type": "integer"}),
            "silent": {"type": "boolean", "description": "Admitted, not connected; or in progress and not heard "
                                                       "from for over 60 s."},
            "accommodations": {"type": "string", "description": "e.g. `time ×1.5, large text`; empty for none."},
            "finish_reason": nullable({"type": "string"}),
            "identity_checked": {"type": "boolean",
                                 "description": "A proctor has recorded an identity check of the candidate in this "
                                                "session."},
        },
    },
    "Board": {
        "type": "object",
        "required": ["session", "closed", "server_now", "counts", "silent", "identity_required", "identity_checked",
                     "rows"],
        "properties": {
            "session": {"type": "integer"},
            "closed": {"type": "boolean"},
            "server_now": {"type": "string", "format": "date-time"},
            "counts": {
                "type": "object", "description": "Candidates in each standing. `checked_in` is joined with the "
                                                  "access code and not yet agreed to the terms: no identity check.",
                "required": [standing.value for standing in Standing],
                "properties": {standing.value: {"type": "integer", "minimum": 0} for standing in Standing},
                "additionalProperties": False,
            },
            "silent": {"type": "integer", "minimum": 0, "description": "Rows whose `silent` is true."},
            "identity_required": {"type": "boolean",
                                  "description": "No one is admitted before a proctor records their identity check."},
            "identity_checked": {"type": "integer", "minimum": 0,
                                 "description": "Candidates whose identity check is recorded."},
            "rows": {"type": "array", "items": ref("BoardRow"), "description": "One per enrolment, in order."},
        },
    },
}


def _attempt_operation(summary, description, success, parameters=(), body=None):
    """A runner endpoint: the candidate's own attempt; a POST carries a JSON body and the CSRF token."""
    responses = {
        "200": {"description": "The attempt's state, after settling it against the clock.",
                "content": json_content(success)},
        "302": SIGN_IN_REDIRECT,
        "403": error_response("Signed in without the candidate role; or, in a session that requires Safe Exam "
                              "Browser, sent without the hash of this URL and the session's Config Key "
                              "(`safe_exam_browser_required`)."),
        "404": error_response("No such attempt, or not the signed-in candidate's."),
        "413": error_response(f"A body over the {bodies.MAX_BODY / 2**20:g} MB the runner's endpoints read "
                              "(`too_large`). The runner fills a batch of saves up to this size, so only a single "
                              "save larger than that is refused."),
        "503": UNAVAILABLE,
    }
    operation = {"summary": summary, "description": description, "tags": ["exam runner"],
                 "parameters": [ATTEMPT_ID, *parameters, SEB_HASH], "security": SIGNED_IN, "responses": responses}
    if body is not None:
        responses["400"] = error_response("A body the runner never sends (the message names the field, e.g. "
                                          "`saves[0].seq`), or no valid CSRF token.")
        operation.update(requestBody=body, security=SIGNED_IN_WITH_CSRF)
    return operation


PATHS = {
    "/exam/attempts/{attempt_id}/state": {"get": _attempt_operation(
        "The runner's poll and heartbeat",
        "Candidates, their own attempt. Polled every few seconds: it carries a proctor's pause and corrects the "
        "countdown, and counts as contact on the proctor's board.",
        ref("AttemptState"),
        parameters=[{"name": "tab", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "The asking tab's id: `superseded` tells whether another tab has claimed the "
                                    "attempt since."}],
    )},
    "/exam/attempts/{attempt_id}/claim": {"post": _attempt_operation(
        "A tab takes the attempt",
        "Candidates, their own attempt. The tab that claims last holds the attempt; earlier tabs learn they are "
        "superseded. In a session that re-admits on resume, a claim from a new tab holds an attempt in progress "
        "until a proctor re-admits it.",
        ref("Claimed"),
        body={"required": False, "content": {JSON: {"schema": ref("Claim"),
                                                     "example": {"tab": "0b5e5bb0-7d6f-4c1e-9d1e-3c1f2a6b8e42"}}}},
    )},
    "/exam/attempts/{attempt_id}/saves": {"post": _attempt_operation(
        "A batch of saves",
        "Candidates, their own attempt. Saves are idempotent per sequence number and applied in its order; "
        "each is journaled and acknowledged once committed. What a save says is judged save by save and "
        "answered in its ack (refused with a reason: not an option of the item, the part's time is over, more "
        "chosen than the part allows, the attempt is finished).",
        ref("Saved"),
        body={"required": True, "content": {JSON: {"schema": ref("Saves"), "example": {
            "tab": "0b5e5bb0-7d6f-4c1e-9d1e-3c1f2a6b8e42",
            "saves": [{"seq": 1_000_000_001, "response": 12, "field": "answer", "value": {"option": "B"}},
                      {"seq": 1_000_000_002, "response": 12, "field": "flag", "value": True},
                      {"seq": 1_000_000_003, "response": 12, "field": "marks",
                       "value": {"struck": ["D"], "highlights": [[0, 24]]}}],
        }}}},
    )},
    "/proctor/sessions/{session_id}/board.json": {"get": {
        "summary": "The live board",
        "description": "The session's proctors and admins. One row per enrolled candidate; attempts whose time "
                       "ran out are settled first. Polled every 5 s by the board page.",
        "tags": ["proctor"],
        "parameters": [SESSION_ID],
        "security": SIGNED_IN,
        "responses": {
            "200": {"description": "The board.", "content": json_content(ref("Board"))},
            "302": SIGN_IN_REDIRECT,
            "403": NOT_ALLOWED,
            "404": error_response("No such session, or not one the proctor is assigned to."),
            "503": UNAVAILABLE,
        },
    }},
}
