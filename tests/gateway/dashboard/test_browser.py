"""The dashboard in a real browser: Debian's headless Chromium, driven by selenium, against a
real ``crmgate serve`` on a free loopback port."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers import ROOT, SAVED, Server, find_chromium

pytestmark = pytest.mark.slow

T = TypeVar("T")
LOGIN = "/iservice/f/webapp-api-login?api=login"
CUSTINFO = "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=467"
BOKAMERA = {"Host": "testapi.bokamera.se"}
HOSTILE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.fixture
def gateway(server: Server) -> Server:
    """The gateway under test: a real ``crmgate serve`` process."""
    return server


def wait(driver: WebDriver, condition: Callable[[WebDriver], T], timeout: float = 30) -> T:
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def rows(driver: WebDriver, table: str) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")


def row_with(driver: WebDriver, table: str, text: str) -> Callable[[WebDriver], Any]:
    """A condition: the first row of ``table`` whose text holds ``text``."""
    return lambda d: next((r for r in rows(d, table) if text in r.text), False)


def open_exchange(driver: WebDriver, row: WebElement) -> WebElement:
    """Click a request and wait for its exchange in the detail pane."""
    wanted = row.get_attribute("data-id")
    row.click()
    return wait(
        driver,
        lambda d: (
            (pane := d.find_element(By.ID, "exchange")).get_attribute("data-id") == wanted and pane
        ),
    )


def save_page(driver: WebDriver, picture: Path) -> None:
    """The whole page from its top, for a person to look at after the run."""
    chrome = driver.execute_script("return window.outerHeight - window.innerHeight")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1440, height + chrome)
    driver.execute_script("window.scrollTo(0, 0)")
    assert driver.save_screenshot(str(picture))
    SAVED.append(picture)


def open_dashboard(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/__admin/")
    wait(driver, lambda d: d.find_element(By.ID, "live-state").text == "live")


def test_requests_appear_live_open_with_their_bodies_and_faults_come_and_go(
    gateway: Server, browser: WebDriver, screenshots: Path
) -> None:
    open_dashboard(browser, gateway.base_url)
    assert browser.find_element(By.ID, "requests-empty").is_displayed()
    with httpx.Client(base_url=gateway.base_url) as http:
        http.post(LOGIN, json={"emailAddress": "jane@demo.local", "password": "demo-jane"})
        jsv = (ROOT / "fixtures/golden/004/update-customer-request.jsv").read_bytes()
        headers = BOKAMERA | {"Content-Type": "text/jsv", "Accept": "text/jsv"}
        http.put("/customers/c0ffee00-5a1c-4e0b-9d4e-7a1d2b3c4d5e", content=jsv, headers=headers)
        http.post(
            "/webapi/Token", data={"grant_type": "password", "username": "x", "password": "y"}
        )
    token_row = wait(browser, row_with(browser, "requests", "/webapi/Token"))
    assert "POST" in token_row.text
    assert len(rows(browser, "requests")) == 3
    assert "/webapi/Token" in rows(browser, "requests")[0].text  # newest first

    login_row = wait(browser, row_with(browser, "requests", "webapp-api-login"))
    pane = open_exchange(browser, login_row)
    body = pane.find_element(By.CLASS_NAME, "request-body")
    assert body.text == '{\n  "emailAddress": "jane@demo.local",\n  "password": "***"\n}'
    assert "JSON, laid out" in pane.text
    assert "set-cookie ***" in pane.text  # the session cookie, masked as in the journal
    assert "selected" in login_row.get_attribute("class")

    pane = open_exchange(
        browser, wait(browser, row_with(browser, "requests", "/customers/c0ffee00"))
    )
    laid_out = pane.find_element(By.CLASS_NAME, "response-body")
    assert "\tResponseStatus:" in laid_out.get_attribute("textContent")
    assert "JSV, laid out" in pane.text
    assert "testapi.bokamera.se" in pane.text

    Select(browser.find_element(By.ID, "filter-method")).select_by_visible_text("PUT")
    wait(browser, lambda d: len(rows(d, "requests")) == 1)
    Select(browser.find_element(By.ID, "filter-method")).select_by_visible_text("any")
    wait(browser, lambda d: len(rows(d, "requests")) == 3)

    Select(browser.find_element(By.ID, "fault-dialect")).select_by_value("iservice")
    browser.find_element(By.ID, "fault-message").send_keys("Closed for the dashboard test.")
    browser.find_element(By.CSS_SELECTOR, "#fault-form button[type=submit]").click()
    rule = wait(browser, row_with(browser, "faults", "iservice"))
    assert "503" in rule.text
    with httpx.Client(base_url=gateway.base_url) as http:
        assert http.get(CUSTINFO).status_code == 503
    failed = open_exchange(browser, wait(browser, row_with(browser, "requests", "custinfo")))
    assert "Closed for the dashboard test." in failed.text
    wait(browser, lambda d: "1" in d.find_elements(By.CSS_SELECTOR, "#faults tbody td")[5].text)

    browser.find_element(By.CSS_SELECTOR, "#sandbox-form button[type=submit]").click()
    box = wait(
        browser,
        lambda d: (
            rows(d, "sandboxes")[0].get_attribute("data-id") if rows(d, "sandboxes") else False
        ),
    )
    open_exchange(browser, wait(browser, row_with(browser, "requests", "/customers/c0ffee00")))
    save_page(browser, screenshots / "dashboard.png")

    browser.find_element(By.CSS_SELECTOR, "#faults tbody button").click()
    wait(browser, lambda d: d.find_element(By.ID, "faults-empty").is_displayed())
    assert httpx.get(f"{gateway.base_url}/__admin/faults").json() == []

    with httpx.Client(base_url=gateway.base_url) as http:
        http.get(CUSTINFO, headers={"X-Crmgate-Sandbox": box})
    wait(browser, lambda d: len(rows(d, "requests")) == 5)
    sandbox_row = rows(browser, "sandboxes")[0]
    sandbox_row.find_element(By.XPATH, ".//button[text()='Requests']").click()
    wait(browser, lambda d: len(rows(d, "requests")) == 1)
    assert box in rows(browser, "requests")[0].text
    sandbox_row.find_element(By.XPATH, ".//button[text()='Reset']").click()
    wait(
        browser,
        lambda d: f"Sandbox {box} reset" in d.find_element(By.ID, "sandbox-message-line").text,
    )
    rows(browser, "sandboxes")[0].find_element(By.XPATH, ".//button[text()='Remove']").click()
    wait(browser, lambda d: d.find_element(By.ID, "sandboxes-empty").is_displayed())
    assert httpx.get(f"{gateway.base_url}/__admin/sandboxes").json() == []
    browser.find_element(By.ID, "filter-sandbox").clear()
    browser.find_element(By.ID, "clear-journal").click()
    wait(browser, lambda d: d.find_element(By.ID, "requests-empty").is_displayed())
    assert httpx.get(f"{gateway.base_url}/__admin/requests").json()["total"] == 0
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_hostile_values_are_shown_as_text(gateway: Server, browser: WebDriver) -> None:
    """A body and a path holding markup: the page shows the characters and runs nothing."""
    open_dashboard(browser, gateway.base_url)
    with httpx.Client(base_url=gateway.base_url) as http:
        http.post(LOGIN, json={"emailAddress": HOSTILE, "password": "x"})
        http.post(LOGIN, content=HOSTILE, headers={"Content-Type": "text/html"})
        http.get("/iservice/f/<img src=x onerror=window.__xss=3>")
    path_row = wait(browser, row_with(browser, "requests", "<img src=x onerror=window.__xss=3>"))
    assert path_row.find_elements(By.TAG_NAME, "img") == []
    for raw, entry in zip([True, False], rows(browser, "requests")[1:], strict=True):
        pane = open_exchange(browser, entry)
        text = pane.find_element(By.CLASS_NAME, "request-body").get_attribute("textContent")
        assert (HOSTILE in text) is raw
        assert ('"<script>window.__xss = 1</script><img src=x onerror=\\"' in text) is not raw
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main script") == []
    assert browser.execute_script("return window.__xss === undefined")


def test_with_a_token_the_page_asks_for_it_once_and_keeps_it_out_of_urls(
    tmp_path: Path, browser: WebDriver
) -> None:
    server = Server(tmp_path / "token.db", admin_token="dash-secret")
    server.start()
    try:
        browser.get(f"{server.base_url}/__admin/")
        field = wait(
            browser,
            lambda d: (
                d.find_element(By.ID, "token")
                if d.find_element(By.ID, "token-panel").is_displayed()
                else False
            ),
        )
        field.send_keys("wrong")
        browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
        wait(
            browser,
            lambda d: d.find_element(By.ID, "token-message").text == "That token was refused.",
        )
        browser.find_element(By.ID, "token").send_keys("dash-secret")
        browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
        wait(browser, lambda d: d.find_element(By.ID, "live-state").text == "live")
        httpx.get(f"{server.base_url}{CUSTINFO}")
        open_exchange(browser, wait(browser, row_with(browser, "requests", "custinfo")))
        assert "dash-secret" not in browser.current_url
        browser.refresh()  # the tab keeps the token: no second prompt
        wait(browser, lambda d: d.find_element(By.ID, "live-state").text == "live")
        assert not browser.find_element(By.ID, "token-panel").is_displayed()
        browser.find_element(By.ID, "forget-token").click()
        wait(browser, lambda d: d.find_element(By.ID, "token-panel").is_displayed())
        assert browser.execute_script("return sessionStorage.length") == 0
    finally:
        err = server.stop()
    assert "dash-secret" not in err


def test_without_chromium_ci_fails_and_a_developer_is_told_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI never skips the browser test"):
        find_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="chromium-driver"):
        find_chromium()
