"""Localities through time: which units existed when, and what an ended unit went into.

A `Lineage` is loaded in two queries (`Locality.lineage()`) and answers everything else in memory:
the units a unit went into (directly or through several changes, e.g. Thị xã Cửa Lò → Thành phố
Vinh in 2024 → six wards in 2025), the units it came from, and the units of a given day that stand
for it, with shares. Pure: the models build it, so that they can use it too.

The succession graph is stored data and can be wrong (a loop written by an import): no walk here
ever loops, and a unit with no successor stands for itself.
"""

from dataclasses import dataclass, field
from datetime import date

from .rules import Lifetime


@dataclass(frozen=True)
class Unit(Lifetime):
    id: int
    name: str
    valid_from: date = None
    valid_to: date = None


@dataclass
class Lineage:
    units: dict  # id: Unit
    successors: dict = field(default_factory=dict)  # old id: [(new id, share or None)]
    predecessors: dict = field(default_factory=dict)  # new id: [old ids]

    @classmethod
    def from_rows(cls, unit_rows, succession_rows):
        """From (id, name, valid_from, valid_to) and (old id, new id, share) rows; the models load
        them (Locality.lineage())."""
        lineage = cls({row[0]: Unit(*row) for row in unit_rows})
        for old, new, share in succession_rows:
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

