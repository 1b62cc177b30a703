"""What each back-office user may find through the internal index (search_index.internal).

Each registered kind answers for itself (its source's staff_grant, cms.search_sources): articles by
cms.article_access's rule (staff their own, every other role all), field records by visits.access's
Scope (leaders and admins all; field staff their own, their department's and those they take part
in; editors and unlinked accounts none). Nothing is decided here but which kinds are asked.
"""

from search_index import search_service


def staff_visibility(user, kinds=None):
    """{kind: grant} for `user`, for every registered kind or those in `kinds`."""
    return {kind: source.staff_grant(user) for kind, source in search_service().sources.items()
            if kinds is None or kind in kinds}
