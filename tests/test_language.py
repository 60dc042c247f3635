def test_chinese_is_the_default_even_for_an_english_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_the_switch_changes_to_english_and_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    english = client.get("/accounts/login/")
    assert english["Content-Language"] == "en"
    assert "Log in to Bangfu" in english.content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录帮扶系统" in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, db):
    client.cookies.load({"django_language": "xx"})
    assert client.get("/accounts/login/")["Content-Language"] == "zh-hans"


def test_every_page_carries_the_switch(client, caseworker):
    client.force_login(caseworker)
    for path in ["/", "/accounts/password/", "/accounts/login/"]:
        assert 'data-testid="language-switch"' in client.get(path, follow=True).content.decode(), path
