"""Fixtures for the fault tests: a site with an admin account, a category and built indexes."""

from types import SimpleNamespace

import pytest
from faultkit import ADMIN_USER, PASSWORD, admin_token, connected, login

from cms.accounts import create_user
from cms.models import Category
from search_index import sync


def rebuild_indexes(app):
    service = app.extensions["search"]
    with app.app_context(), connected():
        return {name: sync.rebuild(store, service.sources) for name, store in service.stores.items()}


@pytest.fixture
def site(app):
    """An admin account, a category and indexes built from the (empty) database."""
    with app.app_context(), connected():
        user = create_user(ADMIN_USER, PASSWORD, "admin", full_name="Nguyễn Văn Quản")
        category = Category.create(name="Xây dựng Đảng")
    rebuild_indexes(app)

    def admin_client():
        client = app.test_client()
        response = login(client, ADMIN_USER)
        assert response.status_code == 302, response
        client.token = admin_token(client)
        return client

    return SimpleNamespace(app=app, user_id=user.id, category_id=category.id, admin_client=admin_client,
                           service=app.extensions["search"], rebuild=lambda: rebuild_indexes(app))
