"""The uploaded-image library (a Media row per image) and how its renditions are named and reached.

The model lives in the core because public pages (photo albums, cms.albums) show these images; the
back office keeps the upload side (admin.media: checking, storing, resizing, deleting files).
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .accounts import User
from .migrations import register
from .models import BaseModel, ShownOnPublicPages
from .timeutil import utcnow

# Each upload gets these renditions, by name and width in pixels (admin.media writes them).
RENDITIONS = {"thumb": 400, "article": 960}


# Public pages show library images (album photos) and their captions (an article's cover): a change
# or a removal is a change of what they show.
class Media(ShownOnPublicPages, BaseModel):
    file_name = CharField(max_length=200, unique=True)  # generated, relative to uploads/
    original_name = CharField(max_length=255, default="")
    title = CharField(max_length=300, default="")
    content_type = CharField(max_length=50)
    width = IntegerField()
    height = IntegerField()
    size_bytes = IntegerField()
    uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "media"

    def __str__(self):
        return self.title or self.original_name or self.file_name

    @staticmethod
    def rendition_name(file_name, rendition):
        """The file of a rendition: photo.jpg -> photo-thumb.jpg."""
        if not rendition:
            return file_name
        stem, ext = file_name.rsplit(".", 1)
        return f"{stem}-{rendition}.{ext}"

    def url(self, rendition=None):
        return f"/media/{self.rendition_name(self.file_name, rendition)}"

    def rendition_size(self, rendition):
        """(width, height) of a rendition, as Pillow's thumbnail() made it (never enlarged)."""
        target = RENDITIONS.get(rendition)
        if not target or self.width <= target:
            return self.width, self.height
        return target, max(1, round(self.height * target / self.width))

    @classmethod
    def for_url(cls, url):
        """The library image an address of it or of one of its renditions shows (an article's
        cover is stored as such an address), or None for any other address."""
        if not (url or "").startswith("/media/") or "." not in url:
            return None
        stem, ext = url[len("/media/"):].rsplit(".", 1)
        names = [f"{stem}.{ext}"] + [f"{stem.removesuffix('-' + r)}.{ext}" for r in RENDITIONS
                                     if stem.endswith("-" + r)]
        return cls.select().where(cls.file_name.in_(names)).first()

    @property
    def markdown(self):
        return f"![{self.title or 'Ảnh'}]({self.url('article')})"


register("0130_media", lambda db: db.create_tables([Media], safe=True))
