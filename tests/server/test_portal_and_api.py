"""The foundation seen from outside: health, guides, catalogue API, tokens, errors."""

from __future__ import annotations


def test_healthz_on_embedded_defaults_names_what_is_missing(client):
    response = client.get("/healthz")
    assert response.status_code == 200, "it can take applications"
    body = response.get_json()
    checks = body["checks"]
    assert set(checks) == {"database", "storage", "index", "jobs", "disk", "ocr", "virus_scanner", "email", "sms"}
    assert all(checks[name]["ok"] for name in ("database", "storage", "index", "jobs", "disk", "ocr")), checks
    assert checks["jobs"]["pending"] == 0 and checks["jobs"]["failed"] == 0
    assert checks["ocr"]["engine"] == "tesseract chi_sim+eng"
    # no virus scanner and no e-mail configured: a missing engine is never reported as fine
    assert body["status"] == "degraded"
    assert not checks["virus_scanner"]["ok"] and "ONEWINDOW_CLAMD_URL" in checks["virus_scanner"]["detail"]
    assert not checks["email"]["ok"] and "ONEWINDOW_SMTP_URL" in checks["email"]["detail"]
    assert not checks["sms"]["ok"] and "ONEWINDOW_SMS_URL" in checks["sms"]["detail"]


def test_healthz_is_degraded_below_the_free_space_floor(embedded_settings):
    from dataclasses import replace

    from server.app import create_app

    app = create_app(replace(embedded_settings, min_free_mb=10**9), migrate=True, start_jobs=False)
    response = app.test_client().get("/healthz")
    disk = response.get_json()["checks"]["disk"]
    assert response.status_code == 200 and not disk["ok"]
    assert disk["min_free_mb"] == 10**9 and "data" in disk["detail"] and disk["free_mb"]["objects"] > 0
    app.extensions["onewindow"].close()


def test_healthz_asks_the_virus_scanner(embedded_settings, clamd_url):
    from dataclasses import replace

    from server.app import create_app

    app = create_app(replace(embedded_settings, clamd_url=clamd_url), migrate=True, start_jobs=False)
    scanner = app.test_client().get("/healthz").get_json()["checks"]["virus_scanner"]
    assert scanner["ok"] and scanner["engine"] == "clamd" and "ClamAV" in scanner["detail"], scanner
    app.extensions["onewindow"].close()


def test_home_shows_demo_service_guides_in_chinese(client, demo):
    page = client.get("/").get_data(as_text=True)
    assert "办事指南" in page
    assert "开办民宿" in page
    assert "食品经营许可（副食品店）" in page
    assert "文旅局" in page and "市场监管局" in page


def test_home_speaks_english_when_asked(client, demo):
    response = client.get("/?lang=en")
    page = response.get_data(as_text=True)
    assert "Service guides" in page
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    # the choice sticks through the cookie
    assert "Service guides" in client.get("/").get_data(as_text=True)


def test_guide_page_lists_materials_with_flags(client, demo):
    page = client.get("/services/minsu").get_data(as_text=True)
    for text in (
        "经营者身份证",
        "房屋产权证明或租赁合同",
        "消防安全检查合格证或消防安全承诺书",
        "从业人员健康证明",
        "可容缺",
        "《旅馆业治安管理办法》",
        "30年",
    ):
        assert text in page, text


def test_unknown_guide_is_404_page(client, demo):
    response = client.get("/services/no-such-thing")
    assert response.status_code == 404
    assert "no-such-thing" in response.get_data(as_text=True)


def test_api_services_carry_the_guide(client, demo):
    services = {s["code"]: s for s in client.get("/api/v1/services").get_json()}
    grocery = services["food-grocery"]
    assert grocery["name"] == "食品经营许可（副食品店）"
    assert grocery["department"] == {"code": "scjg", "name": "市场监管局"}
    assert grocery["time_limit_days"] == 5
    assert grocery["retention"] == "30y"
    slots = {m["slot"]: m for m in grocery["materials"]}
    assert slots["health_certs"]["required"] and not slots["health_certs"]["key"]
    assert slots["health_certs"]["gap_allowed"]
    assert slots["legal_rep_id"]["material_type"] == "id_card"
    assert slots["floor_plan"]["formats"] == ["pdf"]
    assert slots["floor_plan"]["max_bytes"] == 30 * 1024 * 1024


def test_api_departments(client, demo):
    departments = client.get("/api/v1/departments").get_json()
    names = {d["code"]: d["name"] for d in departments}
    assert names["xfjy"] == "消防救援大队"
    assert names["wjj"] == "卫健局"
    assert all(set(d) == {"code", "name"} for d in departments)


def test_unknown_service_is_json_404(client, demo):
    response = client.get("/api/v1/services/nope")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert "nope" in error["message"]


def test_token_roundtrip_and_errors(client, demo):
    bad = client.post("/api/v1/auth/token", json={"username": "clerk", "password": "wrong"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthorized"

    missing = client.post("/api/v1/auth/token", data="not json", content_type="text/plain")
    assert missing.status_code == 400
    assert missing.get_json()["error"]["details"]["required"] == ["username", "password"]

    ok = client.post("/api/v1/auth/token", json={"username": "clerk", "password": "demo-pass"})
    assert ok.status_code == 201
    assert ok.get_json()["user"]["role"] == "clerk"
    assert len(ok.get_json()["token"]) >= 32


def test_unknown_api_route_is_json_not_html(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_web_login_needs_csrf_token(settings, demo):
    from server.app import create_app

    app = create_app(settings, start_jobs=False)  # CSRF on, as in production
    client = app.test_client()
    response = client.post("/login", data={"username": "clerk", "password": "demo-pass"})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/login?next=//evil.example/", data={"username": "clerk", "password": "demo-pass", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "李晓燕" in client.get("/").get_data(as_text=True)
