"""Documents (Văn bản) as search documents: the kind "document" of the public index.

Its title is the kind and number ("Quy định 2993-QĐ/TU": the analyzer keeps the code whole and its
parts, so "2993-QD/TU", "2993 qd tu" and "2993" find it), its body the summary, issuer, signer and
field. Published documents only; a scheduled one is masked at query time like a scheduled article.
"""

from .documents import Document
from .markup import html_to_text
from .search_sources import SearchSource


class DocumentSource(SearchSource):
    doc_type = "document"
    label = "Văn bản"
    fields = {"public": ("published_at", "year")}

    def all_ids(self):
        return [doc_id for (doc_id,) in Document.select(Document.id).order_by(Document.id).tuples()]

    def load(self, ids):
        ids = list(ids)
        docs = {doc_id: {"public": None, "internal": None} for doc_id in ids}
        if not ids:
            return docs
        for document in Document.select().where(Document.id.in_(ids)):
            if document.status != Document.PUBLISHED or document.published_at is None:
                continue
            docs[document.id]["public"] = {
                "key": f"document:{document.id}",
                "kind": "document",
                "title": document.title,
                "body": "\n".join([document.summary, document.issuing_body, document.signer, document.field,
                                   html_to_text(document.body_html)]),
                "published_at": document.published_at,
                "year": document.year,
                "stamp": document.updated_at.isoformat(),
            }
        return docs

    def stamps(self, index_name):
        if index_name != "public":
            return {}
        query = (Document.select(Document.id, Document.updated_at)
                 .where((Document.status == Document.PUBLISHED) & Document.published_at.is_null(False)))
        return {f"document:{doc_id}": updated.isoformat() for doc_id, updated in query.tuples()}

    @staticmethod
    def listed(ids):
        """The documents of these ids readers may see now, by id (one query)."""
        ids = list(ids)
        return {d.id: d for d in Document.public().where(Document.id.in_(ids))} if ids else {}
