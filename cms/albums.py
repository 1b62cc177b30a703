"""Photo albums (Thư viện ảnh): an album is a titled, dated, ordered set of library images (cms.media),
each with a caption of its own.

Albums carry the editorial fields every content kind shares (status, owner, published_at, version,
created_at, updated_at; see admin.editorial). An album has no scheduled publication: published_at is
set when it is published, so the page cache's validator (the site version) covers every change.
`Album.public()` is the one rule of which albums readers see. Every change bumps the site version
in its transaction.
"""

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .accounts import User
from .media import Media
from .migrations import register
from .models import Article, BaseModel, ShownOnPublicPages, unique_slug
from .text import nfc
from .timeutil import to_local, utcnow

MAX_PHOTOS = 120  # per album: the album page shows all of them, so its cost stays bounded


class Album(ShownOnPublicPages, BaseModel):
    search_kind = "album"  # cms.albums_search
    DRAFT, PENDING, PUBLISHED, ARCHIVED = Article.DRAFT, Article.PENDING, Article.PUBLISHED, Article.ARCHIVED
    STATUSES = Article.STATUSES

    title = CharField(max_length=300)
    slug = CharField(max_length=100, unique=True)
    description = TextField(default="")
    cover = ForeignKeyField(Media, null=True, on_delete="SET NULL")  # else the first photo
    album_date = DateField(null=True)  # the day the photos were taken (the event's day)
    status = CharField(max_length=20, default=DRAFT, choices=STATUSES)
    owner = ForeignKeyField(User, null=True, on_delete="SET NULL")
    published_at = DateTimeField(null=True)  # naive UTC, set when first published
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "album"
        indexes = ((("status", "album_date"), False),)

    def __str__(self):
        return self.title

    # --- what a query means -------------------------------------------------------------
    @classmethod
    def public(cls):
        """Albums readers see: published ones, the latest event first."""
        return (cls.select().where(cls.status == cls.PUBLISHED)
                .order_by(cls.album_date.desc(nulls="LAST"), cls.published_at.desc(), cls.id.desc()))

    @property
    def is_public(self):
        return self.status == self.PUBLISHED

    @property
    def shown_date(self):
        """The album's day for readers: the event's day, else the day it was published."""
        if self.album_date:
            return self.album_date
        return to_local(self.published_at).date() if self.published_at else None

    def photos(self):
        """The album's photos in order, each with its image (one query)."""
        return list(AlbumPhoto.select(AlbumPhoto, Media).join(Media)
                    .where(AlbumPhoto.album == self.id)
                    .order_by(AlbumPhoto.position, AlbumPhoto.id).limit(MAX_PHOTOS))

    # --- saving ---------------------------------------------------------------------------
    def save(self, *args, **kwargs):
        self.title = nfc(self.title or "").strip()
        self.description = nfc(self.description or "").strip()
        self.slug = (self.slug or "").strip() or unique_slug(Album, self.title, exclude_id=self.id)
        self.updated_at = utcnow()
        if self.status == self.PUBLISHED and self.published_at is None:
            self.published_at = utcnow()
        return super().save(*args, **kwargs)


class AlbumPhoto(ShownOnPublicPages, BaseModel):
    album = ForeignKeyField(Album, backref="photo_links", on_delete="CASCADE")
    media = ForeignKeyField(Media, backref="album_links", on_delete="CASCADE")
    position = IntegerField(default=0)
    caption = CharField(max_length=500, default="")

    class Meta:
        table_name = "album_photo"
        indexes = ((("album", "position"), False),)

    def __str__(self):
        return self.caption or str(self.media)

    def search_documents(self):
        return [("album", self.album_id)]  # its caption is part of the album's document

    def save(self, *args, **kwargs):
        self.caption = nfc(self.caption or "").strip()
        return super().save(*args, **kwargs)


def photo_counts(album_ids):
    """{album id: number of photos} in one query."""
    if not album_ids:
        return {}
    rows = (AlbumPhoto.select(AlbumPhoto.album, fn.COUNT(AlbumPhoto.id))
            .where(AlbumPhoto.album.in_(album_ids)).group_by(AlbumPhoto.album).tuples())
    return dict(rows)


def first_photos(album_ids, count):
    """{album id: its first `count` photos with their images}, in one query for all albums
    (a handful of albums per page: the rows read are bounded by MAX_PHOTOS each)."""
    found = {album_id: [] for album_id in album_ids}
    if not album_ids:
        return found
    rows = (AlbumPhoto.select(AlbumPhoto, Media).join(Media)
            .where(AlbumPhoto.album.in_(album_ids))
            .order_by(AlbumPhoto.album, AlbumPhoto.position, AlbumPhoto.id))
    for photo in rows:
        kept = found[photo.album_id]
        if len(kept) < count:
            kept.append(photo)
    return found


def covers(albums):
    """{album id: the Media shown for it}: its chosen cover, else its first photo (two queries)."""
    chosen = {album.cover_id for album in albums if album.cover_id}
    by_id = {media.id: media for media in Media.select().where(Media.id.in_(list(chosen)))} if chosen else {}
    firsts = first_photos([album.id for album in albums if album.cover_id not in by_id], 1)
    result = {}
    for album in albums:
        if album.cover_id in by_id:
            result[album.id] = by_id[album.cover_id]
        elif firsts.get(album.id):
            result[album.id] = firsts[album.id][0].media
    return result


def _create_tables(db):
    db.create_tables([Album, AlbumPhoto], safe=True)


register("0170_albums", _create_tables)
