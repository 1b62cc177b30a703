"""The plan form offers today's units first and former ones apart, and refuses a unit that did not
exist on the plan's dates, naming what followed it; nothing is saved."""

from datetime import date

from visitkit import text, token

from visits.models import Locality, LocalitySuccession, Visit


def _merge_kyson(field):
    field.kyson.valid_to = date(2025, 6, 30)
    field.kyson.save()
    field.namcan.valid_to = date(2025, 6, 30)
    field.namcan.save()
    new = Locality.create(code="XA-NAMCAN", name="Xã Na Ngoi", kind="xa", parent=field.province,
                          valid_from=date(2025, 7, 1), position=101)
    LocalitySuccession.create(old=field.namcan, new=new)
    LocalitySuccession.create(old=field.kyson, new=new)
    return new


def test_the_plan_form_groups_todays_units_before_former_ones(field, as_user):
    _merge_kyson(field)
    page = as_user("staff_a").get("/admin/visit/new/").get_data(as_text=True)
    today_group = page.index('<optgroup label="Địa bàn hiện nay">')
    former_group = page.index('<optgroup label="Địa bàn trước đây (đã kết thúc)">')
    assert today_group < page.index("Xã Na Ngoi") < former_group < page.index("Huyện Kỳ Sơn")
    assert "Huyện Kỳ Sơn ▲ (đến 30/06/2025)" in page


def test_a_2027_plan_to_an_ended_unit_is_refused_naming_its_successor(field, as_user):
    new = _merge_kyson(field)
    client = as_user("staff_a")
    before = Visit.select().count()
    form = {"csrf_token": token(client, "/admin/visit/new/"), "title": "Nắm tình hình xã biên giới",
            "lead": field.officials["a"].id,
            "localities": [field.namcan.id], "start_date": "12/01/2027", "end_date": "13/01/2027",
            "main_topic": "nam_tinh_hinh", "plan_text": "Nắm tình hình."}
    response = client.post("/admin/visit/new/", data=form)
    message = text(response)
    assert "Xã Nậm Cắn đã kết thúc ngày 30/06/2025, nay thuộc Xã Na Ngoi" in message
    assert Visit.select().count() == before
    response = client.post("/admin/visit/new/", data={**form, "localities": [new.id]})
    assert response.status_code == 302 and Visit.select().count() == before + 1
    # the same unit is fine for a visit of its own time (the record of an earlier year)
    old = {**form, "title": "Đợt năm 2024", "start_date": "10/09/2024", "end_date": "11/09/2024"}
    assert client.post("/admin/visit/new/", data=old).status_code == 302
    assert Visit.select().where(Visit.title == "Đợt năm 2024").exists()
