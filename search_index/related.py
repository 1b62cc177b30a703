"""'Bài viết liên quan': how an article's related articles are chosen, all in this module.

An article's distinctive words (the best by tf-idf among those in at most MAX_SHARE of the documents)
are searched in the public index, the article itself left out. What text of an article is read is
declared by the article source (cms.search_documents.ArticleSource.related_text); which of the ids
found are shown is the database's word at each view (ArticleSource.listed: public now, in this order),
so a stored list stays safe after an unpublish.

An article page lists "Tin cùng chuyên mục" beside this one; the page passes those ids as `exclude`
and they are dropped from its related list, which still shows COUNT when there are enough: a list
keeps KEPT ids, room for a whole "Tin cùng chuyên mục" (15 by default) and some no longer public.

Lists are kept in the public search's derived store (shared by every worker, kept across restarts)
for MAX_AGE, under a key naming VERSION, the article and its last change. Raise VERSION with any
change to how lists are chosen: no list computed the old way is served again.
"""

from flask import current_app
from whoosh import query as wq

from cms.search_port import IndexUnavailable

from .public import _doc_id
from .query import Or

VERSION = 2  # 2: KEPT ids per list (was COUNT * 3), for the drop of "Tin cùng chuyên mục"
COUNT = 5  # shown on an article page
KEPT = 40  # ids a stored list holds: COUNT, what an article page lists already, and spares
MAX_AGE = 7 * 24 * 3600  # a list is computed again after this (new articles join it)
MAX_SHARE = 0.03  # key words in more of the documents than this are left out...
MIN_CEILING = 50  # ...counted from this many: a small site keeps every word (and is cheap)
TEXT_CHARS = 2000  # an article's opening says what it is about; the rest costs time
KEY_TERMS = 12


def distinctive_terms(searcher, text, numterms=KEY_TERMS):
    """The words that characterise `text`: the best by tf-idf among those in at most MAX_SHARE of
    the documents. Syllables such as "công", "tác", "đảng" are in most articles: they say nothing of
    the topic, and scoring them reads nearly every posting."""
    reader = searcher.reader()
    ceiling = max(MIN_CEILING, MAX_SHARE * reader.doc_count())
    candidates = searcher.key_terms_from_text("body_f", text[:TEXT_CHARS], numterms=numterms * 4,
                                              normalize=False)
    return [(word, weight) for word, weight in candidates
            if reader.doc_frequency("body_f", word) <= ceiling][:numterms]


def similar_ids(searcher, article_id, text, limit):
    """Ids of up to `limit` of the public index's articles most alike `text`, best first, without the
    article itself. No restriction inside the query: it keeps Whoosh's fast top-N path (the caller
    checks)."""
    terms = distinctive_terms(searcher, text)
    if not terms:
        return []
    similar = Or([wq.Term("body_f", word, boost=weight) for word, weight in terms])
    exclude = wq.Term("key", f"article:{article_id}")
    # Documents (Văn bản) share the public index: masked, so that the top `limit` are articles.
    hits = searcher.search(similar, limit=limit, mask=Or([exclude, wq.Term("kind", "document")]))
    return [_doc_id(hit["key"]) for hit in hits]


class RelatedArticles:
    """Related lists over the public search (`public`), reading articles through `source`."""

    def __init__(self, public, source):
        self._public = public
        self.source = source  # the article source (cms.search_documents.ArticleSource)

    def ids(self, article_id, stamp, text):
        """Ids of up to KEPT articles most alike in content, best first.

        Stored per article and `stamp` (its last change); `text()` gives what the article is
        about, and is called only to compute a list."""
        def compute():
            about = text()
            return self._public.with_fresh_searcher_on_failure(
                lambda: similar_ids(self._public.searcher(), article_id, about, KEPT))

        try:
            return self._public.kept(f"related:v{VERSION}:{article_id}:{KEPT}:{stamp}", compute, MAX_AGE)
        except IndexUnavailable:
            return []

    def _ids_of(self, article):
        return self.ids(article.id, self.source.stamp(article), lambda: self.source.related_text(article))

    def articles(self, article, exclude=()):
        """Up to COUNT articles for `article`'s page: those of its list the database says are public,
        without the ids of `exclude` (what the page lists already). Search being down, or failing
        inside Whoosh (one assertion was seen under load), must not take the article page with it:
        then there are none."""
        try:
            ids = self._ids_of(article)
        except Exception:
            current_app.logger.exception("related articles unavailable")
            return []
        excluded = set(exclude)
        # Twice COUNT read: enough for those unpublished since, and the query stays small.
        wanted = [i for i in ids if i not in excluded][:COUNT * 2]
        return self.source.listed(wanted)[:COUNT] if wanted else []

    def fill(self, ids, batch=200):
        """Compute the lists of these articles that are not stored yet (`related-lists`)."""
        for start in range(0, len(ids), batch):
            for article in self.source.related_rows(ids[start:start + batch]):
                self._ids_of(article)
