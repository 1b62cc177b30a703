"""Back office: Flask-Admin behind Flask-Login, with the role rules of admin.permissions."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()

TEMPLATE_BASE = "admin/board_base.html"


def init_app(app):
    import visits
    from cms.accounts import User
    from cms.albums import Album
    from cms.audit import AuditEntry
    from cms.cli import add_demo_loader
    from cms.documents import Document
    from cms.models import Article, Category, Tag
    from cms.pages import Page
    from cms.schedule import ScheduleWeek
    from cms.site_settings import SiteLink, SiteSettings

    from . import auth, cli, guard
    from .i18n import install_admin_fixes
    from .media import Media
    from .views.albums import AlbumView, load_demo_albums
    from .views.articles import ArticleView
    from .views.dashboard import DashboardView
    from .views.documents import DocumentView
    from .views.misc import AuditView, CategoryView, MediaView, TagView, UserView
    from .views.pages import PageView
    from .views.schedule import ScheduleWeekView
    from .views.site_settings import SiteLinkView, SiteSettingsView
    from .views.staff_search import StaffSearchView
    from .views.visit_menu import register_visit_views

    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask defines the key as None
        app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session's life
    babel.init_app(app, locale_selector=lambda: "vi", timezone_selector=lambda: "Asia/Ho_Chi_Minh")
    csrf.init_app(app)
    install_admin_fixes()
    auth.init_app(app)
    cli.init_app(app)

    admin = Admin(app, name=app.config["CMS_SITE_NAME"],
                  theme=Bootstrap4Theme(base_template=TEMPLATE_BASE, swatch="default", fluid=True),
                  index_view=DashboardView(name="Tổng quan", url="/admin"))
    admin.add_view(ArticleView(Article, name="Bài viết", endpoint="article"))
    admin.add_view(DocumentView(Document, name="Văn bản", endpoint="document"))
    admin.add_view(CategoryView(Category, name="Chuyên mục", endpoint="category"))
    admin.add_view(TagView(Tag, name="Từ khóa", endpoint="tag"))
    admin.add_view(MediaView(Media, name="Thư viện ảnh", endpoint="media"))
    admin.add_view(PageView(Page, name="Giới thiệu", endpoint="intro_page"))
    admin.add_view(ScheduleWeekView(ScheduleWeek, name="Lịch công tác", endpoint="schedule_week"))
    admin.add_view(AlbumView(Album, name="Album ảnh", endpoint="album"))
    add_demo_loader(app, load_demo_albums)
    admin.add_view(UserView(User, name="Tài khoản", endpoint="user", category="Hệ thống"))
    admin.add_view(AuditView(AuditEntry, name="Nhật ký hệ thống", endpoint="audit", category="Hệ thống"))
    admin.add_view(SiteSettingsView(SiteSettings, name="Thông tin trang", endpoint="site_settings",
                                    category="Cổng thông tin"))
    admin.add_view(SiteLinkView(SiteLink, name="Liên kết website", endpoint="site_link",
                                category="Cổng thông tin"))
    register_visit_views(admin)  # field visits (visits/): confidential, back office only
    admin.add_view(StaffSearchView(name="Tìm kiếm nội bộ", endpoint="staff_search", url="/admin/tim-kiem"))
    visits.init_app(app)
    app.extensions["board_admin"] = admin
    guard.init_app(app)  # after auth and CSRF: the one gate of every back-office request
