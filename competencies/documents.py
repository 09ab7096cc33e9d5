"""Storing and serving portfolio documents. Files are kept under
DOCUMENTS_DIR (the instance folder, outside the web root) by a random name;
the database holds who owns them, their checked type and their hash. They are
only ever sent as downloads, to their owner and to coordinators."""

import hashlib
import os
import secrets
from pathlib import Path

from flask import current_app

from audit import log
from competencies import uploads
from competencies.models import Document
from competencies.portfolio import check_editable
from extensions import db


def _folder():
    folder = Path(current_app.config["DOCUMENTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def path_of(document):
    return _folder() / document.stored_name


def store(application, label, filename, data, by):
    """Check the upload by its content, then keep it. Raises UploadRefused or PortfolioRefused."""
    check_editable(application)
    checked = uploads.check(filename, data)
    stored_name = secrets.token_hex(16) + checked.extension
    # Written to a temporary name and renamed, so a file is either whole or absent.
    temporary = _folder() / (stored_name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, _folder() / stored_name)
    document = Document(application=application, label=label.strip() or checked.filename, filename=checked.filename,
                        content_type=checked.content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), stored_name=stored_name)
    db.session.add(document)
    db.session.flush()
    log.record("portfolio.upload", by, document, application_id=application.id, size=len(data),
               content_type=checked.content_type, sha256=document.sha256)
    return document


def of_application(application, document_id):
    document = db.session.get(Document, document_id)
    return document if document is not None and document.application_id == application.id else None


def remove(application, document, by):
    """Forget the document; the caller deletes the file (`discard`) once the change is committed."""
    check_editable(application)
    for entry in application.education:
        if entry.transcript_id == document.id:
            entry.transcript_id = None
    application.documents.remove(document)
    db.session.delete(document)
    log.record("portfolio.remove_document", by, application, document_id=document.id, filename=document.filename)
    return document.stored_name


def discard(stored_name):
    (_folder() / stored_name).unlink(missing_ok=True)
