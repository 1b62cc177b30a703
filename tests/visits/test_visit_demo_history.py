"""The demo data after the 2025 reorganisation (issue 17): every row names only units that existed
at its dates. Visits, assignments, follow-ups and successions are checked one by one, and the
localities hold Nghệ An's 130 commune-level units of 01/07/2025 (119 xã, 11 phường)."""

import re
from datetime import date, timedelta

import pytest

from visits import vocab
from visits.demo import load_demo
from visits.models import Assignment, FollowUp, Locality, LocalitySuccession, Visit, VisitLocality

TWO_LEVEL_FROM = date(2025, 7, 1)
# Words that name a district-level unit or a township, gone since 01/07/2025.
FORMER_WORDS = re.compile(r"\b(huyện|thị trấn|thị xã|thành phố|huyện ủy|thành ủy|thị ủy)\b", re.IGNORECASE)
DISTRICT_COMMITTEE = re.compile(r"\b(Huyện|Thành|Thị) ủy (.+)$")
DISTRICT_KINDS = {"Huyện": "Huyện", "Thành": "Thành phố", "Thị": "Thị xã"}
ADMINISTRATIVE_BODY = re.compile(r"\b(?:Đảng ủy|UBND) (xã|phường|thị trấn|huyện|thành phố|thị xã) (.+)$")
PARTY_COMMITTEE = re.compile(r"\bĐảng ủy (.+)$")
NO_UNIT = {"Cán bộ theo dõi địa bàn"}  # the Board's own official, not a body of the locality


@pytest.fixture
def demo(db):
    result = load_demo()
    assert "LỖI" not in result, result
    return {loc.id: loc for loc in Locality.select()}


def named_unit(responsible):
    """The name of the locality a follow-up's body belongs to ('Ban Thường vụ Đảng ủy xã Hạnh Lâm'
    -> 'Xã Hạnh Lâm', 'Văn phòng Huyện ủy Thanh Chương' -> 'Huyện Thanh Chương'), None if none."""
    if match := DISTRICT_COMMITTEE.search(responsible):
        return f"{DISTRICT_KINDS[match[1]]} {match[2]}"
    if match := ADMINISTRATIVE_BODY.search(responsible):
        return f"{match[1].capitalize()} {match[2]}"
    if match := PARTY_COMMITTEE.search(responsible):
        return f"Đảng bộ {match[1]}"
    return None


def test_the_localities_hold_the_commune_level_units_of_2025(demo):
    current = list(Locality.existing_on(TWO_LEVEL_FROM))
    kinds = [loc.kind for loc in current]
    assert kinds.count("xa") == 119 and kinds.count("phuong") == 11
    assert not vocab.HISTORICAL_LOCALITY_KINDS & set(kinds)
    assert all(loc.valid_from == TWO_LEVEL_FROM for loc in current if loc.kind in ("xa", "phuong"))
    day_before = {loc.code for loc in Locality.existing_on(TWO_LEVEL_FROM - timedelta(days=1))}
    assert "THANHCHUONG" in day_before and "XA-HANHLAM" not in day_before
    assert {"DBCQD", "DBUBND", "DBQS", "DBCA"} <= {loc.code for loc in current}


def test_every_visit_goes_to_units_that_existed_on_its_dates(demo):
    visits = {v.id: v for v in Visit.select()}
    places = {}
    for visit_id, locality_id in VisitLocality.select(VisitLocality.visit, VisitLocality.locality).tuples():
        places.setdefault(visit_id, []).append(demo[locality_id])
    assert set(places) == set(visits)
    for visit_id, visit in visits.items():
        for loc in places[visit_id]:
            assert loc.exists_on(visit.start_date) and loc.exists_on(visit.end_date), (
                visit.title, visit.start_date, visit.end_date, loc.name, loc.lifetime_label)
        if visit.start_date >= TWO_LEVEL_FROM:
            words = f"{visit.title} {visit.partners}"
            assert not FORMER_WORDS.search(words), (visit.start_date, words)
    starts = [v.start_date for v in visits.values()]
    assert sum(day < TWO_LEVEL_FROM for day in starts) >= 30 and sum(day >= TWO_LEVEL_FROM
                                                                      for day in starts) >= 150
    before = {loc.kind for vid, v in visits.items() if v.start_date < TWO_LEVEL_FROM for loc in places[vid]}
    assert {"huyen", "xa"} <= before  # the former districts and communes of the time


def test_every_assignment_lies_within_its_units_lifetime(demo):
    assignments = list(Assignment.select())
    for a in assignments:
        unit = demo[a.locality_id]
        assert unit.valid_from is None or unit.valid_from <= a.start_date, (unit.name, a.start_date)
        if unit.valid_to is not None:
            assert a.end_date is not None and a.end_date <= unit.valid_to, (unit.name, a.start_date,
                                                                              a.end_date)
    # Who followed a unit on its last day is followed from the next day in what it went into, most
    # often by the same official (rotation history carries across the reorganisation).
    successors = {}
    for old, new in LocalitySuccession.select(LocalitySuccession.old, LocalitySuccession.new).tuples():
        successors.setdefault(old, set()).add(new)
    started = {}
    for a in assignments:
        started.setdefault((a.locality_id, a.start_date), set()).add(a.official_id)
    carried = 0
    for a in assignments:
        unit = demo[a.locality_id]
        if a.end_date is None or a.end_date != unit.valid_to:
            continue
        next_day = unit.valid_to + timedelta(days=1)
        followers = set().union(*(started.get((new, next_day), set()) for new in successors[unit.id]))
        assert followers, (unit.name, a.official.full_name)
        carried += a.official_id in followers
    assert carried >= 40
    open_units = {demo[a.locality_id] for a in assignments if a.end_date is None}
    assert {loc.kind for loc in open_units} == {"xa", "phuong", "dang_bo_truc_thuoc"}
    assert len({loc.id for loc in open_units if loc.kind in ("xa", "phuong")}) == 130  # all followed


def test_every_follow_up_is_addressed_to_a_body_existing_at_its_dates(demo):
    by_name = {}
    for loc in demo.values():
        by_name.setdefault(loc.name, []).append(loc)
    follow_ups = list(FollowUp.select(FollowUp, Visit).join(Visit))
    assert len(follow_ups) >= 100
    for f in follow_ups:
        name = named_unit(f.responsible)
        if name is None:
            assert f.responsible in NO_UNIT, f.responsible
            continue
        for day in (f.visit.start_date, f.due_date):
            assert any(loc.exists_on(day) for loc in by_name.get(name, [])), (f.responsible, name, day)
        if f.due_date >= TWO_LEVEL_FROM:
            assert not FORMER_WORDS.search(f.responsible), (f.responsible, f.due_date)
    responsible = {f.responsible for f in follow_ups}
    assert any(r.startswith("Ban Thường vụ Huyện ủy ") for r in responsible)
    assert any(r.startswith("Ban Thường vụ Đảng ủy xã ") for r in responsible)
    assert any(r.startswith("UBND xã ") for r in responsible)


def test_every_succession_row_is_consistent(demo):
    rows = list(LocalitySuccession.select())
    assert len(rows) == 174
    shares = {}
    for row in rows:
        old, new = demo[row.old_id], demo[row.new_id]
        assert old.valid_to is not None, old.name
        assert new.exists_on(old.valid_to + timedelta(days=1)), (old.name, new.name)
        assert row.share is None or 0 < row.share <= 1, (old.name, new.name, row.share)
        shares[old.id] = shares.get(old.id, 0) + (row.share if row.share is not None else 1)
    assert all(total <= 1.001 for total in shares.values()), {demo[i].name: t for i, t in shares.items()}
    ended = {loc.id for loc in demo.values() if loc.valid_to is not None}
    assert ended == set(shares)  # every ended unit went into something
