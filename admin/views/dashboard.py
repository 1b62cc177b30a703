"""The back office's home: my drafts, what waits for review, what was published or is scheduled."""

from flask_admin import AdminIndexView, expose
from flask_login import current_user

from cms.article_access import visible_articles
from cms.models import Article, Category
from cms.roles import can
from cms.timeutil import utcnow
from visits import inbox
from visits.access import scope_for

from .base import login_redirect

LIST_SIZE = 10


class DashboardView(AdminIndexView):

    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return login_redirect()

    @expose("/")
    def index(self):
        articles = Article.select(Article, Category).join(Category)
        own = Article.owner_id == current_user.id
        now = utcnow()
        # staff see only their own articles, not others' embargoed ones
        pending = visible_articles(articles.where(Article.status == Article.PENDING))
        scheduled = visible_articles(articles.where((Article.status == Article.PUBLISHED)
                                                    & (Article.published_at > now)))
        return self.render(
            "admin/dashboard.html",
            my_drafts=list(articles.where(own & (Article.status == Article.DRAFT))
                           .order_by(Article.updated_at.desc()).limit(LIST_SIZE)),
            pending=list(pending.order_by(Article.updated_at.desc()).limit(LIST_SIZE)),
            scheduled=list(scheduled.order_by(Article.published_at).limit(LIST_SIZE)),
            published=list(Article.public(now).limit(LIST_SIZE)),
            can_review=can("article", "publish"),
            can_write=can("article", "create"),  # the rule admin.guard enforces on create_view
            **visit_inboxes(),
        )


def visit_inboxes():
    """The field-visit inboxes of the logged-in person (empty for a role with no access)."""
    scope = scope_for()
    return {
        "to_review": inbox.plans_to_review(scope),
        "to_answer": inbox.proposals_to_answer(scope, current_user),
        "returned": inbox.returned_plans(scope),
        "overdue": inbox.overdue_for_reviewer(scope) if scope.is_reviewer else inbox.my_overdue(scope),
        "field_access": scope.has_access,
        "is_reviewer": scope.is_reviewer,
    }
