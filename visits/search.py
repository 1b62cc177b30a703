"""A visit's searchable text and facts as one plain dict, without the models: what the visit
list's folded search column is made of (visits.workflow.refresh_search_text).

    search_document(visit)            -> dict: searchable text + the facts visibility depends on
    iter_search_documents(ids=None)   -> those dicts for many visits, in batches of few queries

A document:
    {"id": 12, "url": "/admin/visit/details/?id=12",
     # text (NFC, as written)
     "title", "plan_text", "partners", "topics", "methods", "localities", "lead", "participants",
     "department", "findings", "proposals", "lessons", "follow_ups",
     # visibility facts and facets
     "state": "done", "start_date": date, "end_date": date,
     "department_id": 3, "department_ids": [3, 5],        # the plan's and its participants' departments
     "official_ids": [7, 9], "lead_official_id": 7, "created_by_user_id": 4, "locality_ids": [21]}

Who sees a visit is visits.access.Scope's rule; staff search applies it through
Scope.search_grant() to the documents of visits.search_source. Visits are confidential: they must
never go into the public search index.
"""

from .models import Visit
from .presenters import load_bundles

BATCH = 500


def _document(bundle):
    visit = bundle.visit
    report = bundle.report
    return {
        "id": visit.id,
        "url": f"/admin/visit/details/?id={visit.id}",
        "title": visit.title,
        "plan_text": visit.plan_text,
        "partners": visit.partners,
        "topics": ", ".join(t.label for t in bundle.topics),
        "methods": ", ".join(_method_labels(visit)),
        "localities": ", ".join(loc.name for loc in bundle.localities),
        "lead": bundle.lead.full_name if bundle.lead else "",
        "participants": ", ".join(p.full_name for p in bundle.participants),
        "department": bundle.department.name if bundle.department else "",
        "findings": report.findings if report else "",
        "proposals": report.proposals if report else "",
        "lessons": report.lessons if report else "",
        "follow_ups": "\n".join(f"{f.responsible}: {f.description}" for f in bundle.follow_ups),
        "state": visit.state,
        "start_date": visit.start_date,
        "end_date": visit.end_date,
        "department_id": visit.department_id,
        "department_ids": sorted({visit.department_id} | bundle.participant_department_ids),
        "official_ids": sorted({visit.lead_id} | bundle.participant_ids),
        "lead_official_id": visit.lead_id,
        "created_by_user_id": visit.created_by_id,
        "locality_ids": [loc.id for loc in bundle.localities],
    }


def _method_labels(visit):
    from .vocab import METHOD_LABELS
    return [METHOD_LABELS.get(code, code) for code in visit.method_codes]


def search_document(visit):
    """The searchable text and visibility facts of one visit (a Visit or its id)."""
    if not isinstance(visit, Visit):
        visit = Visit.get_by_id(visit)
    return _document(load_bundles([visit])[0])


def iter_search_documents(ids=None, batch_size=BATCH):
    """Documents of the given visit ids (default: every visit), a batch of few queries at a time."""
    query = Visit.select().order_by(Visit.id)
    if ids is not None:
        query = query.where(Visit.id.in_(list(ids)))
    last_id = 0
    while True:
        batch = list(query.where(Visit.id > last_id).limit(batch_size))
        if not batch:
            return
        for bundle in load_bundles(batch):
            yield _document(bundle)
        last_id = batch[-1].id
