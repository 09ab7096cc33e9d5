from audit import log


def test_the_audit_log_names_who_acted_by_email(client, login_as, db):
    admin = login_as("admin")
    log.record("thing.done", log.Actor(admin.id, "10.0.0.7"), object_type="things", object_id=1)
    log.record("thing.done", log.Actor(None, "cli:someone"), object_type="things", object_id=2)
    db.session.commit()

    for path in ("/admin/audit", "/home/admin"):
        page = client.get(path).get_data(as_text=True)
        assert f"<td>{admin.email}</td>" in page and "<td>—</td>" in page, path
