"""Photo albums as search documents: the kind "album" of the public index, read from the album's
title, description and its photos' captions."""

from flask import url_for

from .albums import Album, AlbumPhoto
from .search_sources import PublicResult, PublishedContentSource
from .timeutil import isoformat_local


def _captions(album_ids):
    """{album id: [its photos' captions]} in one query."""
    found = {}
    for album_id, caption in (AlbumPhoto.select(AlbumPhoto.album, AlbumPhoto.caption)
                              .where(AlbumPhoto.album.in_(list(album_ids))).order_by(AlbumPhoto.position)
                              .tuples()):
        if caption:
            found.setdefault(album_id, []).append(caption)
    return found


class AlbumSource(PublishedContentSource):
    doc_type = "album"
    label = "Thư viện ảnh"
    model = Album

    def load(self, ids):
        self._captions = _captions(ids)
        return super().load(ids)

    def search_body(self, album):
        return "\n".join([album.description, *self._captions.get(album.id, [])])

    def search_year(self, album):
        return (album.shown_date or album.published_at).year

    def public_results(self, ids):
        albums = list(Album.public().where(Album.id.in_(list(ids))))
        captions = _captions([album.id for album in albums])
        results = {}
        for album in albums:
            day = album.shown_date
            results[album.id] = PublicResult(
                kind="album", title=album.title, url=url_for("albums.album", slug=album.slug),
                section="Thư viện ảnh", section_url=url_for("albums.index"), published_at=album.published_at,
                shown_date=day.strftime("%d/%m/%Y") if day else "",
                date_iso=day.isoformat() if day else isoformat_local(album.published_at),
                text=" ".join([album.description, *captions.get(album.id, [])]), api={"kind": "album"})
        return results
