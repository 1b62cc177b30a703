"""A visit's history names people by their full names, never by their logins: colleagues who may
read the history may not learn the login names of others (half of a credential)."""

from visitkit import post, text

from cms.accounts import User
from visits import vocab


def test_history_and_record_export_show_no_login_names(field, make_visit, as_user):
    visit = make_visit("a", state=vocab.SUBMITTED)
    User.update(full_name="").where(User.id == field.users["leader"].id).execute()
    post(as_user("leader"), f"/admin/visit/transition/{visit.id}", {"name": "approve"})
    login = field.users["leader"].username
    page = text(as_user("staff_a").get(f"/admin/visit/details/?id={visit.id}"))
    assert "Đã duyệt" in page and login not in page
    assert f"Tài khoản số {field.users['leader'].id}" in page
    export = text(as_user("staff_a").get(f"/admin/visit/export-record/{visit.id}/csv"))
    assert "Chờ duyệt" in export and login not in export
