"""Psychometric screens: item statistics per form, exports, DIF, key review
and rescoring, Angoff standard setting, cuts equated across parallel forms."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.forms import ConfirmForm
from accounts.roles import PSYCHOMETRICIANS, Role
from analysis import csv_input, equated_cuts, exports, item_statistics, openapi, plots, standard_setting
from analysis.forms import GroupsForm, PanelistForm, RescoreForm, StudyForm
from analysis.models import AngoffStudy
from clock import utcnow
from exam import exposure, sessions
from extensions import db
from item_bank.models import Form, FormStatus
from openapi.parts import declare as declare_openapi
from psychometrics.dif import dif_all
from psychometrics.scoring import score
from results import release, rescoring
from results.forms import ReleaseForm
from results.matrices import form_matrix, keyed_items
from results.rules import current_rules

bp = Blueprint("analysis", __name__, url_prefix="/analysis")
declare_openapi(bp, tags=openapi.TAGS, paths=openapi.PATHS, schemas=openapi.SCHEMAS)
navigation.declare(bp, links={
    Role.ADMIN: [(70, "Item statistics", ".list_forms")],
    Role.PSYCHOMETRICIAN: [(50, "Item statistics", ".list_forms")],
}, notices=[
    ("analysis/_panel_studies.html", lambda user: {"studies": standard_setting.studies_for_panelist(user)}),
])
exposure.declare(bp, standard_setting.panelist_may_not_sit)

EXPORTS = {"raw.csv", "scored.csv", "key.csv", "statistics.csv", "statistics.json"}


def _form(form_id):
    form = db.session.get(Form, form_id)
    if form is None or form.status != FormStatus.PUBLISHED:
        abort(404)
    return form


@bp.route("/forms")
@roles_required(*PSYCHOMETRICIANS)
def list_forms():
    """Psychometricians, admins."""
    return render_template("analysis/forms.html", forms=item_statistics.published_forms())


@bp.route("/forms/<int:form_id>")
@roles_required(*PSYCHOMETRICIANS)
def form_statistics(form_id):
    """Psychometricians, admins: the test-level summary, charts, the sortable item table, and the cut
    beside the policy cut, the Angoff cut and the cuts equated from parallel forms."""
    form = _form(form_id)
    cuts = equated_cuts.cut_comparison(form)
    analysis = item_statistics.form_analysis(form)
    charts = []
    if analysis:
        test = analysis.summary["test"]
        charts.append(plots.histogram("Score distribution", analysis.summary["histogram"], test["cut_raw"]))
        irt = analysis.summary["irt"]
        if "theta" in irt:
            top = max(max(irt["information"]), 1)
            charts.append(plots.line_chart("Test information", "Ability (theta)", "Information",
                                           [("Information", irt["theta"], irt["information"], [])],
                                           (-4, 4), (0, top)))
    return render_template("analysis/form.html", form=form, analysis=analysis, charts=charts,
                           statistics=item_statistics.item_statistics(form), compute_form=ConfirmForm(),
                           attempts=item_statistics.submitted_count(form), cuts=cuts,
                           form_items={form_item.id: form_item for form_item in form.form_items})


@bp.route("/forms/<int:form_id>/equate", methods=["POST"])
@roles_required(*PSYCHOMETRICIANS)
def equate(form_id):
    """Psychometricians, admins: equate the parallel forms' cuts to this form again."""
    form = _form(form_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    equated_cuts.equate(form, utcnow(), current_actor())
    db.session.commit()
    flash(f"The parallel forms' cuts equated to {form.code} on their current attempts.", "success")
    return redirect(url_for(".form_statistics", form_id=form.id, _anchor="cuts-heading"))


@bp.route("/forms/<int:form_id>/compute", methods=["POST"])
@roles_required(*PSYCHOMETRICIANS)
def compute(form_id):
    """Psychometricians, admins."""
    form = _form(form_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        item_statistics.compute(form, utcnow(), current_actor())
    except item_statistics.AnalysisRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(f"Item statistics of {form.code} computed.", "success")
    return redirect(url_for(".form_statistics", form_id=form.id))


@bp.route("/forms/<int:form_id>/items/<int:form_item_id>")
@roles_required(*PSYCHOMETRICIANS)
def item_page(form_id, form_item_id):
    """Psychometricians, admins: options, trace lines, the fitted IRT curve, fit."""
    form = _form(form_id)
    statistic = item_statistics.item_statistic(form, form_item_id) or abort(404)
    return render_template("analysis/item.html", form=form, statistic=statistic,
                           charts=item_statistics.item_charts(statistic),
                           version=statistic.item_version, rule=current_rules(form).items[form_item_id])


@bp.route("/forms/<int:form_id>/export/<name>")
@roles_required(*PSYCHOMETRICIANS)
def export(form_id, name):
    """Psychometricians, admins: raw.csv, scored.csv, key.csv, statistics.csv, statistics.json."""
    form = _form(form_id)
    if name not in EXPORTS:
        abort(404)
    matrix = form_matrix(form, current_rules(form)).kept()
    if not matrix.attempt_ids:
        flash(f"{form.code} has no submitted attempts to export yet.", "error")
        return redirect(url_for(".form_statistics", form_id=form.id))
    if name == "raw.csv":
        body = exports.raw_csv(matrix)
    elif name == "scored.csv":
        body = exports.scored_csv(matrix, score(matrix.choices, matrix.keys))
    elif name == "key.csv":
        body = exports.key_csv(matrix)
    elif name == "statistics.csv":
        body = exports.statistics_csv(exports.statistics_report(matrix, item_statistics.MIN_IRT_CANDIDATES))
    else:
        body = json.dumps(exports.statistics_report(matrix, item_statistics.MIN_IRT_CANDIDATES), indent=2, allow_nan=False)
    mimetype = "application/json" if name.endswith(".json") else "text/csv"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{form.code}-{name}"'})


@bp.route("/forms/<int:form_id>/dif", methods=["GET", "POST"])
@roles_required(*PSYCHOMETRICIANS)
def dif(form_id):
    """Psychometricians, admins: Mantel-Haenszel DIF for groups from a CSV file."""
    form = _form(form_id)
    upload = GroupsForm()
    results = None
    if upload.validate_on_submit():
        matrix = form_matrix(form, current_rules(form)).kept()
        try:
            reference, focal = item_statistics.groups_of(matrix, upload.groups.data)
        except csv_input.InputError as error:
            upload.groups.errors.append(str(error))
        else:
            results = {"rows": list(zip(matrix.form_items, matrix.positions,
                                        dif_all(score(matrix.choices, matrix.keys), reference, focal))),
                       "n_reference": int(reference.sum()), "n_focal": int(focal.sum())}
    return render_template("analysis/dif.html", form=form, upload=upload, results=results)


@bp.route("/forms/<int:form_id>/scoring", methods=["GET", "POST"])
@roles_required(*PSYCHOMETRICIANS)
def key_review(form_id):
    """Psychometricians, admins: change keys, weights, dropped items or the
    pass mark; preview whose pass/fail changes; confirm to rescore."""
    form = _form(form_id)
    current = current_rules(form)
    numbered = keyed_items(form)
    editor = RescoreForm()
    if request.method == "GET":
        _fill(editor, numbered, current, request.args.get("pass_percent", type=float))
        editor.reason.data = request.args.get("reason", "")  # an equated cut names where it comes from
    preview = None
    if request.method == "POST" and editor.validate():
        try:
            proposed = rescoring.propose(form, _proposal(editor), editor.pass_percent.data)
            if editor.confirm.data == "yes":
                revision = rescoring.rescore(form, proposed, editor.reason.data or "", utcnow(), current_actor())
                db.session.commit()
                flash(f"{form.code} rescored as revision {revision.number}. Candidates see the new scores "
                      "once you release each session's results again.", "success")
                return redirect(url_for(".key_review", form_id=form.id))
            preview = rescoring.preview(form, proposed)
        except rescoring.RescoringRefused as refusal:
            db.session.rollback()
            editor.form_errors.append(str(refusal))
        except IntegrityError:
            db.session.rollback()
            editor.form_errors.append("Someone else rescored this form a moment ago. Review the current "
                                      "scoring below and preview again.")
    form_sessions = sessions.of_form(form)
    return render_template("analysis/scoring.html", form=form, editor=editor, rows=zip(numbered, editor.items),
                           preview=preview, revisions=rescoring.revisions(form), sessions=form_sessions,
                           rescored_since={session.id for session in form_sessions if release.awaits_release(session)},
                           release_form=ReleaseForm(back=url_for(".key_review", form_id=form.id)))


def _fill(editor, numbered, rules, pass_percent):
    for _, form_item in numbered:
        rule = rules.items[form_item.id]
        editor.items.append_entry({"form_item_id": form_item.id, "keys": "|".join(rule.keys),
                                   "weight": rule.weight, "dropped": rule.dropped})
    editor.pass_percent.data = pass_percent or rules.pass_percent


def _proposal(editor):
    proposal = {}
    for entry in editor.items:
        try:
            form_item_id = int(entry.form_item_id.data)
        except (TypeError, ValueError):
            abort(400)
        keys = [key.strip() for key in (entry.keys.data or "").split("|") if key.strip()]
        proposal[form_item_id] = (keys, entry.weight.data, entry.dropped.data)
    return proposal


@bp.route("/forms/<int:form_id>/revisions/<int:number>")
@roles_required(*PSYCHOMETRICIANS)
def revision_scores(form_id, number):
    """Psychometricians, admins: every candidate's score under one revision, beside the one before."""
    form = _form(form_id)
    revision, rows = rescoring.revision_scores(form, number)
    if revision is None:
        abort(404)
    return render_template("analysis/revision.html", form=form, revision=revision, rows=rows)


# Angoff standard setting

@bp.route("/forms/<int:form_id>/angoff", methods=["GET", "POST"])
@roles_required(*PSYCHOMETRICIANS)
def angoff_studies(form_id):
    """Psychometricians, admins: the form's Angoff studies; start one."""
    form = _form(form_id)
    new = StudyForm()
    if new.validate_on_submit():
        study = standard_setting.create_study(form, new.name.data, utcnow(), current_actor())
        db.session.commit()
        flash(f"Study {study.name!r} started: add its panelists.", "success")
        return redirect(url_for(".angoff_study", study_id=study.id))
    return render_template("analysis/angoff_studies.html", form=form, studies=standard_setting.studies(form),
                           new=new)


def _study(study_id):
    return db.session.get(AngoffStudy, study_id) or abort(404)


@bp.route("/angoff/<int:study_id>", methods=["GET", "POST"])
@roles_required(*PSYCHOMETRICIANS)
def angoff_study(study_id):
    """Psychometricians, admins: panelists, the cut with its SE and agreement, beside the policy cut."""
    study = _study(study_id)
    panelist_form = PanelistForm()
    if panelist_form.validate_on_submit():
        try:
            standard_setting.add_panelist(study, panelist_form.email.data, current_actor())
        except standard_setting.StudyRefused as refusal:
            panelist_form.email.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(f"{panelist_form.email.data} is a panelist of {study.name}.", "success")
            return redirect(url_for(".angoff_study", study_id=study.id))
    return render_template("analysis/angoff_study.html", study=study, panelist_form=panelist_form,
                           result=standard_setting.result(study), close_form=ConfirmForm())


@bp.route("/angoff/<int:study_id>/round-two", methods=["POST"])
@roles_required(*PSYCHOMETRICIANS)
def open_round_two(study_id):
    """Psychometricians, admins: lock round 1; the panel rates again with its feedback."""
    study = _study(study_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        standard_setting.open_round_two(study, utcnow(), current_actor())
    except standard_setting.StudyRefused as refusal:
        flash(f"Round 2 did not open: {refusal}.", "error")
    else:
        db.session.commit()
        flash(f"Round 2 of {study.name} is open; round 1 is locked.", "success")
    return redirect(url_for(".angoff_study", study_id=study.id))


@bp.route("/angoff/<int:study_id>/close", methods=["POST"])
@roles_required(*PSYCHOMETRICIANS)
def close_angoff(study_id):
    """Psychometricians, admins: no more ratings."""
    study = _study(study_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    standard_setting.close_study(study, utcnow(), current_actor())
    db.session.commit()
    flash(f"{study.name} is closed; its ratings are final.", "success")
    return redirect(url_for(".angoff_study", study_id=study.id))


@bp.route("/angoff/<int:study_id>/ratings", methods=["GET", "POST"])
@roles_required(*Role)
def angoff_ratings(study_id):
    """The study's panelists, whatever their role, unless they may now sit the form: rate each item."""
    study = _study(study_id)
    if not any(panelist.id == current_user.id for panelist in study.panelists):
        abort(404)
    refusal = standard_setting.sheet_refusal(study, current_user)
    if refusal:
        return render_template("analysis/angoff_ratings.html", study=study, refusal=refusal), 403
    token = ConfirmForm()
    problems = []
    if request.method == "POST":
        if not token.validate_on_submit():
            abort(400)
        problems = standard_setting.save_ratings(study, current_user, request.form.get("round", type=int),
                                                 request.form, utcnow(), current_actor())
        if not problems:
            db.session.commit()
            flash(f"Your round-{study.current_round} ratings are saved. You may change them until "
                  f"{'round 2 opens or ' if study.current_round == 1 else ''}the study closes.", "success")
            return redirect(url_for(".angoff_ratings", study_id=study.id))
        db.session.rollback()
    return render_template("analysis/angoff_ratings.html", study=study, token=token, problems=problems,
                           sheet=standard_setting.rating_sheet(study, current_user, request.form or None))
