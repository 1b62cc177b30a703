"""Field-visit records (đi cơ sở): the internal, confidential half of the product.

Models, the workflow, the rules of the work (field days, coverage, coordination), imports,
exports, charts and demo data live here; the back-office screens are admin/views/visits*.py.
Nothing of this is public: `cms` never imports `visits`, and uploads/visits/ is not served by
/media/ (see hide_visit_files).
"""

import posixpath

from flask import abort, request


def hide_visit_files(app):
    """Refuse /media/ requests that would reach uploads/visits/ (attachments are served only by the
    back office's checked endpoint). The path is normalized as send_from_directory would."""

    @app.before_request
    def _refuse_visit_files():
        if request.endpoint != "public.media":
            return None
        name = posixpath.normpath((request.view_args or {}).get("filename", "").replace("\\", "/"))
        if name.lstrip("/").split("/", 1)[0].lower() == "visits":
            abort(404)
        return None


def init_app(app):
    """Commands, the load-demo hook and the /media/ guard (models register their migration on import)."""
    from cms.cli import add_demo_loader

    from . import cli, models  # noqa: F401
    from .demo import load_demo

    cli.init_app(app)
    add_demo_loader(app, load_demo)
    hide_visit_files(app)
