"""Documents (Văn bản) as search documents: the kind "document" of the public index.

Its title is the kind and number ("Quy định 2993-QĐ/TU": the analyzer keeps the code whole and its
parts, so "2993-QD/TU", "2993 qd tu" and "2993" find it), its body the summary, issuer, signer and
field. Published documents only; a scheduled one is masked at query time like a scheduled article.
"""

from flask import url_for

from .documents import Document
from .markup import html_to_text
from .search_sources import PublicResult, PublishedContentSource


class DocumentSource(PublishedContentSource):
    doc_type = "document"
    label = "Văn bản"
    model = Document

    def search_body(self, document):
        return "\n".join([document.summary, document.issuing_body, document.signer, document.field,
                          html_to_text(document.body_html)])

    def search_year(self, document):
        return document.year

    def public_results(self, ids):
        return {document.id: PublicResult(
            kind="document", title=document.title, url=url_for("documents.detail", slug=document.slug),
            section="Văn bản", section_url=url_for("documents.index"), published_at=document.published_at,
            shown_date=document.date_issued.strftime("%d/%m/%Y"), date_label="ban hành",
            date_iso=document.date_issued.isoformat(),
            details=[f"Số {document.number}", document.issuing_body],
            # issuer and date are in the meta line: the snippet is cut from what it says
            text=" ".join([document.summary, html_to_text(document.body_html)]),
            api={"kind": "document", "number": document.number})
            for document in self.listed(ids).values()}

    @staticmethod
    def listed(ids):
        """The documents of these ids readers may see now, by id (one query)."""
        ids = list(ids)
        return {d.id: d for d in Document.public().where(Document.id.in_(ids))} if ids else {}
