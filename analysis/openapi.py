"""The item statistics exports for the OpenAPI document."""

from openapi.parts import NOT_ALLOWED, SIGNED_IN, UNAVAILABLE, error_response, id_parameter, json_content, nullable, ref

TAGS = [{"name": "item statistics"}]
FORM_ID = id_parameter("form_id", "A published form.")
CSV = {"text/csv": {"schema": {"type": "string"}}}

SCHEMAS = {
    "Statistic": nullable({"type": "number"}),
    "StatisticsReport": {
        "type": "object",
        "description": "The `flask item-analysis` report of the form's submitted attempts (selected-response "
                       "items, options as letters in authored order). A statistic that is undefined (e.g. no "
                       "variance) is null.",
        "required": ["n_candidates", "n_items", "total", "reliability", "items"],
        "properties": {
            "n_candidates": {"type": "integer", "minimum": 1},
            "n_items": {"type": "integer", "minimum": 0},
            "total": {"type": "object", "required": ["mean", "sd", "min", "max"],
                      "properties": {name: ref("Statistic") for name in ("mean", "sd", "min", "max")}},
            "reliability": {"type": "object", "required": ["alpha", "sem"],
                            "properties": {"alpha": ref("Statistic"), "sem": ref("Statistic")}},
            "items": {"type": "array", "items": ref("ItemStatistics")},
        },
    },
    "ItemStatistics": {
        "type": "object",
        "required": ["item_id", "domain", "p", "r_pbis", "r_pbis_total", "r_bis", "biserial_out_of_range",
                     "discrimination_index", "alpha_if_deleted", "omit_rate", "options", "flags"],
        "properties": {
            "item_id": {"type": "string"},
            "domain": nullable({"type": "string"}),
            **{name: ref("Statistic") for name in ("p", "r_pbis", "r_pbis_total", "r_bis", "discrimination_index",
                                                   "alpha_if_deleted", "omit_rate")},
            "biserial_out_of_range": {"type": "boolean", "description": "r_bis beyond -1 or 1, as no correlation "
                                      "can be: its normal-ability model does not fit the item."},
            "options": {
                "type": "object", "description": "By letter, from A to the highest option chosen or keyed.",
                "additionalProperties": {"type": "object", "required": ["proportion", "r_pbis"],
                                         "properties": {"proportion": ref("Statistic"),
                                                        "r_pbis": ref("Statistic")}},
            },
            "irt": {
                "type": "object", "description": "2PL parameters, given once the form has the candidates the "
                                                 "statistics page needs for IRT.",
                "required": ["a", "b", "se_a", "se_b"],
                "properties": {name: ref("Statistic") for name in ("a", "b", "se_a", "se_b")},
            },
            "flags": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _export(name, description, content):
    return {"get": {
        "summary": f"Download {name}",
        "description": f"{description} Sent as an attachment named `<form code>-{name}`.",
        "tags": ["item statistics"],
        "parameters": [FORM_ID],
        "security": SIGNED_IN,
        "responses": {
            "200": {"description": name, "content": content, "headers": {"Content-Disposition": {
                "required": True, "schema": {"type": "string", "pattern": f'^attachment; filename=".+-{name}"$'}}}},
            "302": {"description": "Not signed in (to the sign-in page), or the form has no submitted attempts "
                                   "yet (to its statistics page)."},
            "403": NOT_ALLOWED,
            "404": error_response("No such published form."),
            "503": UNAVAILABLE,
        },
    }}


PATHS = {
    "/analysis/forms/{form_id}/export/statistics.json": _export(
        "statistics.json", "Psychometricians and admins: the item statistics report.",
        json_content(ref("StatisticsReport"))),
    "/analysis/forms/{form_id}/export/statistics.csv": _export(
        "statistics.csv", "Psychometricians and admins: the report as one row per item (`item_id`, `domain`, the "
                          "statistics, `irt_a`..`irt_se_b`, each option's proportion and r_pbis, `flags`).", CSV),
    "/analysis/forms/{form_id}/export/raw.csv": _export(
        "raw.csv", "Psychometricians and admins: `candidate_id` and per item the chosen option's letter, empty "
                   "when omitted; what `flask item-analysis` reads.", CSV),
    "/analysis/forms/{form_id}/export/scored.csv": _export(
        "scored.csv", "Psychometricians and admins: `candidate_id` and per item the score under the current "
                      "scoring rules.", CSV),
    "/analysis/forms/{form_id}/export/key.csv": _export(
        "key.csv", "Psychometricians and admins: `item_id`, `key` (letters, several as `A|C`), `domain`.", CSV),
}
