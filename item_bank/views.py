"""Item bank screens: items and their review, domains, import/export, blueprints and forms."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from accounts import navigation
from accounts.access import current_actor, roles_required
from accounts.roles import Role
from extensions import db
from item_bank import assembly, domains, exporting, images, importing, naming, queries, rich
from item_bank import blueprints as exam_blueprints
from item_bank import items as item_service
from item_bank.cli import report
from item_bank.editor_forms import domain_choices
from item_bank.forms import (
    AssembleForm,
    BreakForm,
    DomainForm,
    EnemyForm,
    ImageForm,
    ImportForm,
    ItemSearchForm,
    PublishForm,
    StatusForm,
    SwapForm,
)
from item_bank.kinds import KINDS, kind_of
from item_bank.models import Blueprint as ExamBlueprint
from item_bank.models import Domain, Form, FormItem, Item, Status

bp = Blueprint("item_bank", __name__)
navigation.declare(bp, links={
    Role.ADMIN: [(30, "Items", ".list_items"), (40, "Forms", ".list_forms"), (50, "Domains", ".list_domains")],
    Role.COORDINATOR: [(40, "Domains", ".list_domains")],
    Role.PSYCHOMETRICIAN: [(10, "Items", ".list_items"), (20, "Review queue", ".review_queue"),
                           (30, "Blueprints", ".list_blueprints"), (40, "Forms", ".list_forms")],
    Role.ITEM_WRITER: [(10, "Items", ".list_items"), (20, "Review queue", ".review_queue"),
                       (30, "Import", ".import_items")],
})


@bp.app_template_filter("rich")
def rich_filter(value, content, paragraph=None):
    """A rich field of `content` (a version's content or a candidate view), shown
    as its format says: `{{ content.stem | rich(content, paragraph='p') }}`."""
    return rich.render(value, rich.is_xhtml(content), paragraph)


@bp.app_template_filter("rich_text")
def rich_text_filter(value, content):
    """A rich field's words alone, for a line in a list."""
    return rich.plain_text(value, rich.is_xhtml(content))


@bp.app_template_filter("question_name")
def question_name_filter(form_item):
    """A form item as the candidate saw it: `{{ response.form_item | question_name }}`."""
    return naming.question_name(form_item)


@bp.app_template_filter("staff_question_name")
def staff_question_name_filter(form_item):
    """A form item as staff read it, with its bank code."""
    return naming.staff_question_name(form_item)


WRITERS = (Role.ITEM_WRITER, Role.PSYCHOMETRICIAN, Role.ADMIN)
DOMAIN_EDITORS = domains.EDITORS
FORM_BUILDERS = (Role.PSYCHOMETRICIAN, Role.ADMIN)
ITEMS_PER_PAGE = 50


def _item(item_id):
    return db.session.get(Item, item_id) or abort(404)


def _version(item, number):
    return next((v for v in item.versions if v.number == number), None) or abort(404)


def _domains_by_id():
    return {domain.id: domain for domain in domains.all_domains()}


# Items

@bp.route("/items")
@roles_required(*WRITERS)
def list_items():
    """Item writers, psychometricians, admins."""
    form = ItemSearchForm(request.args)
    form.domain.choices = domain_choices(domains.all_domains(), blank="Any domain")
    valid = form.validate()
    query = queries.find_items(
        form.q.data or "", int(form.domain.data) if valid and form.domain.data else None,
        form.kind.data if valid else None, form.status.data if valid else None, form.tag.data if valid else None,
    )
    page = db.paginate(query, per_page=ITEMS_PER_PAGE)
    return render_template("item_bank/items.html", form=form, page=page, kinds=KINDS,
                           counts=queries.status_counts())


def _save_item(form, save):
    """Run `save` with the form's content and tagging; on a content error, show it at its field."""
    try:
        return save(form.content(), **form.tagging(_domains_by_id()))
    except item_service.ItemError as error:
        form.field_for(error.field).errors.append(f"{error.field}: {error.message}")
        return None


@bp.route("/items/new/<kind>", methods=["GET", "POST"])
@roles_required(*WRITERS)
def create_item(kind):
    """Item writers, psychometricians, admins."""
    if kind not in KINDS:
        abort(404)
    form = KINDS[kind].editor_form()
    form.set_domains(domains.all_domains())
    if form.validate_on_submit():
        item = _save_item(form, lambda content, **tagging: item_service.create_item(
            kind, content, current_actor(), **tagging))
        if item is not None:
            db.session.commit()
            flash(f"Saved {item.identifier} as a draft.", "success")
            return redirect(url_for("item_bank.show_item", item_id=item.id))
    return render_template("item_bank/item_form.html", form=form, kind=KINDS[kind], item=None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_item(item_id):
    """Item writers, psychometricians, admins. Saving a used or reviewed version makes a new one."""
    item = _item(item_id)
    form = kind_of(item.kind).editor_form()
    form.set_domains(domains.all_domains())
    if request.method == "GET":
        form.fill(item.latest)
    if form.validate_on_submit():
        version = _save_item(form, lambda content, **tagging: item_service.edit_item(
            item, content, current_actor(), **tagging))
        if version is not None:
            db.session.commit()
            flash(f"Saved {item.identifier} version {version.number}.", "success")
            return redirect(url_for("item_bank.show_item", item_id=item.id))
    in_place = item_service.editable_in_place(item.latest)
    return render_template("item_bank/item_form.html", form=form, kind=KINDS[item.kind], item=item, in_place=in_place)


@bp.route("/items/<int:item_id>")
@roles_required(*WRITERS)
def show_item(item_id):
    """Item writers, psychometricians, admins: the latest version, history with differences, enemies."""
    item = _item(item_id)
    history = [
        (version, item_service.differences(previous, version) if previous else [], queries.forms_holding(version))
        for previous, version in zip([None, *item.versions], item.versions)
    ]
    return render_template(
        "item_bank/item.html", item=item, version=item.latest, kind=KINDS[item.kind], history=reversed(history),
        enemies=item_service.enemies_of(item), status_form=StatusForm(), enemy_form=EnemyForm(),
        moves=_moves_for(item.latest), missing=KINDS[item.kind].unready(item.latest.content),
    )


def _moves_for(version):
    """The status moves the current user may make on this version."""
    allowed = item_service.TRANSITIONS[Status(version.status)]
    if not current_user.has_role(Role.PSYCHOMETRICIAN, Role.ADMIN):
        allowed = {s for s in allowed if s != Status.RETIRED and version.status != Status.RETIRED}
    if version.author_id == current_user.id and version.status == Status.IN_REVIEW:
        allowed = allowed - {Status.APPROVED}
    return sorted(allowed, key=list(Status).index)


@bp.route("/items/<int:item_id>/versions/<int:number>/preview")
@roles_required(*WRITERS)
def preview_item(item_id, number):
    """Item writers, psychometricians, admins: the version exactly as a candidate sees it."""
    item = _item(item_id)
    version = _version(item, number)
    kind = kind_of(item.kind)
    candidate_item = {"kind": kind, "view": kind.candidate_view(version.content), "answer": None, "chosen": False}
    return render_template("item_bank/preview.html", item=candidate_item, bank_item=item, version=version)


@bp.route("/items/<int:item_id>/versions/<int:number>/status", methods=["POST"])
@roles_required(*WRITERS)
def move_item(item_id, number):
    """Item writers, psychometricians, admins; retiring and reinstating: psychometricians, admins."""
    item = _item(item_id)
    version = _version(item, number)
    form = StatusForm()
    if form.validate_on_submit():
        target = Status(form.to_status.data)
        if target not in _moves_for(version):
            abort(403)
        try:
            item_service.move(version, target, current_actor(), form.comment.data or "")
        except item_service.ItemError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{item.identifier} version {version.number} is now {target.label.lower()}.", "success")
    if request.form.get("from_review"):
        return redirect(url_for("item_bank.review_queue"))
    return redirect(url_for("item_bank.show_item", item_id=item.id))


@bp.route("/items/<int:item_id>/enemies", methods=["POST"])
@roles_required(*WRITERS)
def add_enemy(item_id):
    """Item writers, psychometricians, admins."""
    item = _item(item_id)
    form = EnemyForm()
    if form.validate_on_submit():
        other = queries.item_by_identifier(form.identifier.data)
        if other is None:
            flash(f"No item has the identifier {form.identifier.data}.", "error")
        else:
            try:
                item_service.mark_enemies(item, other, current_actor())
            except item_service.ItemError as error:
                flash(error.message, "error")
            else:
                db.session.commit()
                flash(f"{item.identifier} and {other.identifier} will never share a form.", "success")
    return redirect(url_for("item_bank.show_item", item_id=item.id))


@bp.route("/items/<int:item_id>/enemies/<int:enemy_id>/remove", methods=["POST"])
@roles_required(*WRITERS)
def remove_enemy(item_id, enemy_id):
    """Item writers, psychometricians, admins."""
    item, other = _item(item_id), _item(enemy_id)
    item_service.unmark_enemies(item, other, current_actor())
    db.session.commit()
    flash(f"{item.identifier} and {other.identifier} are no longer enemies.", "success")
    return redirect(url_for("item_bank.show_item", item_id=item.id))


@bp.route("/review")
@roles_required(*WRITERS)
def review_queue():
    """Item writers, psychometricians, admins: versions in review that they did not write."""
    return render_template(
        "item_bank/review.html", versions=queries.review_queue(current_user.id), status_form=StatusForm(),
        kinds=KINDS, own_waiting=queries.own_in_review(current_user.id),
    )


# Images for rich item text

@bp.route("/item-bank/images", methods=["POST"])
@roles_required(*WRITERS)
def upload_image():
    """Item writers, psychometricians, admins, through the editor's script: 201
    with the image's address in Location, or 400 with the reason as text."""
    form = ImageForm()
    if not form.validate_on_submit():
        return Response("Choose an image to upload.", status=400, mimetype="text/plain")
    try:
        image = images.store(form.image.data.read(), form.alt.data or "", current_actor())
    except images.ImageRefused as error:
        return Response(str(error), status=400, mimetype="text/plain")
    db.session.commit()
    return Response(status=201, headers={"Location": images.url_of(image)})


@bp.route("/item-bank/images/<sha256>")
@login_required
def show_image(sha256):
    """Whoever may see an item that shows it (`images.may_see`); 404 for anyone else, as for no image."""
    image = images.by_digest(sha256)
    if image is None or not images.may_see(current_user, image, current_app.extensions.get("item_image_viewers", ())):
        abort(404)
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# Import and export

@bp.route("/items/import", methods=["GET", "POST"])
@roles_required(*WRITERS)
def import_items():
    """Item writers, psychometricians, admins. All or nothing, as `flask item-bank import`."""
    form = ImportForm()
    form.domain.choices = domain_choices(domains.all_domains(), blank="None: import them as untagged drafts")
    plan = None
    if form.validate_on_submit():
        upload = form.file.data
        default_domain = db.session.get(Domain, int(form.domain.data)) if form.domain.data else None
        try:
            plan = importing.plan_import(importing.read_upload(upload.filename, upload.read()), current_user.roles,
                                         default_domain, form.keep_statuses.data)
        except importing.ImportRefused as error:
            form.keep_statuses.errors.append(error.message)
        if plan is not None and plan.ok and not form.dry_run.data:
            importing.apply_import(plan, current_actor(), upload.filename)
            db.session.commit()
            flash(f"Imported {upload.filename}.", "success")
    lines = report(plan, form.dry_run.data) if plan is not None and plan.ok else []
    return render_template("item_bank/import.html", form=form, plan=plan, lines=lines,
                           may_keep_statuses=importing.may_keep_statuses(current_user.roles))


@bp.route("/items/export.<fmt>")
@roles_required(*WRITERS)
def export_items(fmt):
    """Item writers, psychometricians, admins: the whole bank, every version (QTI 2.1, or 3.0 with ?qti=3.0)."""
    if fmt == "json":
        body = current_app.json.dumps(exporting.bank_document(), indent=2, ensure_ascii=False)
        mimetype, filename = "application/json", "attest-item-bank.json"
    elif fmt == "zip":
        qti_version = request.args.get("qti", "2.1")
        if qti_version not in exporting.QTI_VERSIONS:
            abort(404)
        body, _ = exporting.qti_package(qti_version)
        mimetype, filename = "application/zip", f"attest-item-bank-qti-{qti_version}.zip"
    else:
        abort(404)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# Domains

@bp.route("/domains")
@roles_required(*DOMAIN_EDITORS, *WRITERS)
def list_domains():
    """Coordinators, admins, item writers, psychometricians (only coordinators and admins change them)."""
    may_edit = current_user.has_role(*DOMAIN_EDITORS)
    return render_template("item_bank/domains.html", domains=domains.all_domains(), may_edit=may_edit)


@bp.route("/domains/new", methods=["GET", "POST"])
@bp.route("/domains/<int:domain_id>", methods=["GET", "POST"])
@roles_required(*DOMAIN_EDITORS)
def edit_domain(domain_id=None):
    """Coordinators, admins."""
    domain = db.session.get(Domain, domain_id) or abort(404) if domain_id else None
    form = DomainForm(obj=domain)
    if form.validate_on_submit():
        try:
            if domain is None:
                domain = domains.create_domain(form.code.data, form.name.data, form.description.data or "",
                                               current_actor())
            else:
                domains.update_domain(domain, form.code.data, form.name.data, form.description.data or "",
                                      current_actor())
        except domains.DomainError as error:
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Saved the domain {domain.code}.", "success")
            return redirect(url_for("item_bank.list_domains"))
    return render_template("item_bank/domain_form.html", form=form, domain=domain)


# Blueprints and forms

@bp.route("/blueprints")
@roles_required(*FORM_BUILDERS)
def list_blueprints():
    """Psychometricians, admins."""
    return render_template("item_bank/blueprints.html", blueprints=exam_blueprints.all_blueprints())


@bp.route("/blueprints/<int:blueprint_id>", methods=["GET", "POST"])
@roles_required(*FORM_BUILDERS)
def show_blueprint(blueprint_id):
    """Psychometricians, admins: the blueprint, and assembling forms from it."""
    blueprint = db.session.get(ExamBlueprint, blueprint_id) or abort(404)
    form = AssembleForm()
    if form.validate_on_submit():
        codes = [code.strip().upper() for code in form.codes.data.split(",") if code.strip()]
        try:
            built = assembly.assemble_forms(blueprint, codes, current_actor(), seed=form.seed.data,
                                            exposure_limit=form.exposure_limit.data)
        except assembly.AssemblyError as error:
            form.codes.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Assembled {', '.join(f.code for f in built)} as drafts.", "success")
            return redirect(url_for("item_bank.show_form", form_id=built[0].id))
    return render_template("item_bank/blueprint.html", blueprint=blueprint, form=form)


@bp.route("/forms")
@roles_required(*FORM_BUILDERS)
def list_forms():
    """Psychometricians, admins."""
    return render_template("item_bank/forms.html", forms=queries.all_forms())


def _form(form_id):
    return db.session.get(Form, form_id) or abort(404)


@bp.route("/forms/<int:form_id>")
@roles_required(*FORM_BUILDERS)
def show_form(form_id):
    """Psychometricians, admins: sections, items, and how the form meets its blueprint."""
    return _form_page(_form(form_id))


def _form_page(exam_form, break_form=None):
    break_form = break_form or BreakForm(break_minutes=exam_form.break_minutes)
    return render_template("item_bank/form.html", exam_form=exam_form, check=assembly.check_form(exam_form),
                           publish_form=PublishForm(), break_form=break_form, kinds=KINDS)


@bp.route("/forms/<int:form_id>/break", methods=["POST"])
@roles_required(*FORM_BUILDERS)
def set_form_break(form_id):
    """Psychometricians, admins: the break between a draft form's parts."""
    exam_form = _form(form_id)
    form = BreakForm()
    if form.validate_on_submit():
        try:
            assembly.set_break(exam_form, form.break_minutes.data, current_actor())
        except assembly.AssemblyError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Saved: {exam_form.code} has {_break_text(exam_form.break_minutes)}.", "success")
        return redirect(url_for("item_bank.show_form", form_id=exam_form.id))
    return _form_page(exam_form, form)


def _break_text(minutes):
    return f"a break of {minutes} minute{'' if minutes == 1 else 's'} between parts" if minutes else "no break between parts"


@bp.route("/forms/<int:form_id>/items/<int:form_item_id>/swap", methods=["GET", "POST"])
@roles_required(*FORM_BUILDERS)
def swap_form_item(form_id, form_item_id):
    """Psychometricians, admins: put another approved item in one place of a draft form."""
    exam_form = _form(form_id)
    form_item = db.session.get(FormItem, form_item_id)
    if form_item is None or form_item.section.form_id != exam_form.id:
        abort(404)
    candidates = {str(version.id): version for version in assembly.replacements_for(form_item)}
    form = SwapForm()
    form.replacement.choices = [
        SelectChoice(key, f"{v.item.identifier} v{v.number}: {kind_of(v.item.kind).summary(v.content)[:90]}")
        for key, v in candidates.items()
    ]
    if form.validate_on_submit():
        try:
            assembly.swap_item(form_item, candidates[form.replacement.data], current_actor())
        except assembly.AssemblyError as error:
            form.replacement.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Swapped item {form_item.position} of {form_item.section.title}.", "success")
            return redirect(url_for("item_bank.show_form", form_id=exam_form.id))
    return render_template("item_bank/swap.html", exam_form=exam_form, form_item=form_item, form=form)


@bp.route("/forms/<int:form_id>/publish", methods=["POST"])
@roles_required(*FORM_BUILDERS)
def publish_form(form_id):
    """Psychometricians, admins."""
    exam_form = _form(form_id)
    if PublishForm().validate_on_submit():
        try:
            assembly.publish_form(exam_form, current_actor())
        except assembly.AssemblyError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Published {exam_form.code}: it is now locked.", "success")
    return redirect(url_for("item_bank.show_form", form_id=exam_form.id))
