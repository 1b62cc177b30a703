"""The two index schemas. Every text has an exact field and a folded one (suffix _f).

Bodies are not stored (snippets are cut from the database's text at query time), which keeps
the indexes small; `stamp` (the source's updated_at) lets index-check find stale documents.
"""

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import exact_analyzer, folded_analyzer


def _text_fields():
    return {
        "title": TEXT(analyzer=exact_analyzer(), field_boost=3.0),
        "title_f": TEXT(analyzer=folded_analyzer(), field_boost=3.0),
        "body": TEXT(analyzer=exact_analyzer()),
        "body_f": TEXT(analyzer=folded_analyzer()),
    }


def public_schema():
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        categories=KEYWORD(),  # the category and its ancestors, so a parent's filter finds all
        published_at=DATETIME(sortable=True),
        year=NUMERIC(),
        stamp=STORED(),
        **_text_fields(),
    )


def internal_schema():
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),  # the doc_type of its source: one per registered kind
        categories=KEYWORD(),
        # An article's status; a record's visit state, plus "fu_<status>" on a follow-up item.
        status=KEYWORD(stored=True),
        owner=ID(),  # the account that created it
        department=KEYWORD(),  # every department of the visit: its plan's and its participants'
        officials=KEYWORD(),  # officials taking part (lead and participants)
        localities=KEYWORD(),  # each locality and everything above it
        topics=KEYWORD(),
        date=DATETIME(sortable=True),
        date_to=DATETIME(),  # a visit's last day (articles: none; a date range matches overlaps)
        stamp=STORED(),
        # Names found through a record rather than in it (a visit: the units before and after its
        # own): searched with every word, weighing below title and body (query.RELATED_BOOST).
        related=TEXT(analyzer=exact_analyzer()),
        related_f=TEXT(analyzer=folded_analyzer()),
        **_text_fields(),
    )


SCHEMAS = {"public": public_schema, "internal": internal_schema}
# The only kinds of document the public index may receive, written here by hand as the guard
# (search_index.sync refuses any other, whatever a source hands in): visit records, reports and
# follow-ups are confidential and never reach it; published documents (Văn bản) are public records.
# The internal index takes each registered source's own kind.
PUBLIC_KINDS = frozenset({"article", "document", "page", "album"})  # documents: the register (cms.documents)
TEXT_FIELDS = ("title", "title_f", "body", "body_f")
