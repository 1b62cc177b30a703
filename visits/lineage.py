"""Localities through time: which units existed when, and what an ended unit went into.

A `Lineage` is loaded in two queries and answers everything else in memory: the units a unit went
into (directly or through several changes, e.g. Thị xã Cửa Lò → Thành phố Vinh in 2024 → six wards
in 2025), the units it came from, and the units of a given day that stand for it, with shares.

The succession graph is stored data and can be wrong (a loop written by an import): no walk here
ever loops, and a unit with no successor stands for itself.
"""

from dataclasses import dataclass, field
from datetime import date

from cms.timeutil import format_day

from .models import Locality, LocalitySuccession


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    valid_from: date = None
    valid_to: date = None

    def exists_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None
                                                                         or day <= self.valid_to)

    def overlaps(self, start, end):
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None
                                                                         or start <= self.valid_to)


@dataclass
class Lineage:
    units: dict  # id: Unit
    successors: dict = field(default_factory=dict)  # old id: [(new id, share or None)]
    predecessors: dict = field(default_factory=dict)  # new id: [old ids]

    @classmethod
    def load(cls):
        units = {row[0]: Unit(*row) for row in Locality.select(
            Locality.id, Locality.name, Locality.valid_from, Locality.valid_to).tuples()}
        lineage = cls(units)
        for old, new, share in (LocalitySuccession.select(LocalitySuccession.old, LocalitySuccession.new,
                                                          LocalitySuccession.share)
                                .order_by(LocalitySuccession.id).tuples()):
            lineage.successors.setdefault(old, []).append((new, share))
            lineage.predecessors.setdefault(new, []).append(old)
        return lineage

    def _closure(self, start_id, step):
        seen, stack = set(), list(step(start_id))
        while stack:
            current = stack.pop()
            if current in seen or current == start_id:
                continue
            seen.add(current)
            stack.extend(step(current))
        return seen

    def later_ids(self, locality_id):
        """Every unit the locality went into, through any number of changes."""
        return self._closure(locality_id, lambda lid: [new for new, _share in self.successors.get(lid, [])])

    def earlier_ids(self, locality_id):
        """Every unit that went into the locality, through any number of changes."""
        return self._closure(locality_id, lambda lid: self.predecessors.get(lid, []))

    def related_ids(self, locality_id):
        """Units before and after it: what a search by one unit also finds."""
        return self.later_ids(locality_id) | self.earlier_ids(locality_id)

    def direct_successors(self, locality_id):
        return [self.units[new] for new, _share in self.successors.get(locality_id, []) if new in self.units]

    def units_on(self, locality_id, day):
        """{unit id: share} of the units existing on `day` that the locality's area is part of now.

        A unit that exists on `day` stands for itself; an ended one for its successors, shares
        multiplied along the way (a blank share counts as the whole). A unit that ended with no
        successor on record stands for nothing on that day.
        """
        result = {}

        def visit(lid, share, path):
            unit = self.units.get(lid)
            if unit is None or lid in path:
                return
            if unit.exists_on(day) or (unit.valid_from is not None and unit.valid_from > day):
                if unit.exists_on(day):
                    result[lid] = result.get(lid, 0.0) + share
                return
            for new, part in self.successors.get(lid, []):
                visit(new, share * (1.0 if part is None else part), path | {lid})

        visit(locality_id, 1.0, frozenset())
        return result


def plan_localities_problem(locality_ids, start, end):
    """A message when a plan names a unit that did not exist for the whole of its dates, naming
    what followed it (a plan for 2027 cannot go to a district that ended in 2025); None when all
    is well. Imports of old records do not pass here."""
    if not locality_ids or start is None or end is None:
        return None
    units = list(Locality.select(Locality.id, Locality.name, Locality.valid_from, Locality.valid_to)
                 .where(Locality.id.in_(list(locality_ids))).order_by(Locality.position, Locality.name))
    problems = []
    lineage = None
    for unit in units:
        if unit.exists_on(start) and unit.exists_on(end):
            continue
        if unit.valid_to is None or unit.valid_to >= end:  # not yet formed at the start
            problems.append(f"{unit.name} chỉ có {unit.lifetime_label}")
            continue
        lineage = lineage or Lineage.load()
        later = sorted(lineage.units[uid].name for uid in lineage.units_on(unit.id, end))
        after = f", nay thuộc {', '.join(later)}" if later else ""
        problems.append(f"{unit.name} đã kết thúc ngày {format_day(unit.valid_to)}{after}")
    if not problems:
        return None
    return "Địa bàn không tồn tại vào thời gian của đợt: " + "; ".join(problems) + "."
