def test_home_lists_a_public_article(client, make_article):
    make_article(title="Hội nghị sơ kết công tác tổ chức xây dựng Đảng")
    page = client.get("/").get_data(as_text=True)
    assert "Hội nghị sơ kết công tác tổ chức xây dựng Đảng" in page
