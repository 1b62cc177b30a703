"""A child process saving articles through the back office, one line "ACK <id> <slug>" per save
acknowledged (created and published, both responses received), until it is killed.

Usage: save_worker.py CATEGORY_ID FIRST_NUMBER   (site from CMS_DATA_DIR / DATABASE_URL)
"""

import sys

from faultkit import ADMIN_USER, admin_token, article_form, created_id, login

from app import create_app
from cms.models import Article


def main(category_id, number):
    app = create_app({"TESTING": True, "SERVER_NAME": "localhost"})
    client = app.test_client()
    assert login(client, ADMIN_USER).status_code == 302
    token = admin_token(client)
    while True:
        form = article_form(category_id, f"Bài hậu kiểm số {number}", lead="Tin kiểm tra sự cố.",
                            body=f"Nội dung bài hậu kiểm số {number}: công tác cán bộ.\n\n" * 20,
                            csrf_token=token)
        response = client.post("/admin/article/new/", data=form)
        article_id = created_id(response)
        response.close()  # runs the after-response indexing, as a served request does
        response = client.post(f"/admin/article/transition/{article_id}",
                               data={"csrf_token": token, "name": "publish", "published_at": ""})
        assert response.status_code == 302, response.status_code
        response.close()
        with app.app_context():
            slug = Article.get_by_id(article_id).slug
        print(f"ACK {article_id} {slug}", flush=True)
        number += 1


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
