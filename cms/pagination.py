"""Page numbers for list pages (?page=N)."""

from math import ceil

from flask import abort, request


class Page:
    def __init__(self, query, per_page, count=None):
        self.per_page = per_page
        self.number = request.args.get("page", 1, type=int)
        self.total = query.count() if count is None else count
        self.pages = max(1, ceil(self.total / per_page))
        if self.number < 1 or self.number > self.pages:
            abort(404)
        # The page's ids first (an index-only walk past the skipped rows), then those rows whole:
        # OFFSET over full rows would read every skipped article's text.
        model = query.model
        ids = query.select(model.id).paginate(self.number, per_page)
        self.items = list(query.where(model.id.in_(ids)))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    def window(self, around=2):
        """Page numbers to show: first, last and a few around the current one (None is a gap)."""
        shown = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        numbers, previous = [], 0
        for n in sorted(p for p in shown if 1 <= p <= self.pages):
            if n - previous > 1:
                numbers.append(None)
            numbers.append(n)
            previous = n
        return numbers
