"""The format plugins (HtmlFormat, CsvFormat) per site, both values, and ``?format=`` /
``?callback=`` edge cases, on a real site."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from dialects.servicestack.bokamera import dialect as bokamera
from dialects.servicestack.host import Site
from dialects.servicestack.operations import HostSettings
from dialects.servicestack.pf import dialect as pf
from tests.helpers import JOHN_ID, sign_in

LINKS = f"/pf/api/contacts/{JOHN_ID}/links"
REPLY = f"/pf/{{}}/reply/ContactConnectedLinks?ContactId={JOHN_ID}"
SITES = {"pf": pf, "bokamera": bokamera}
USER = {"pf": "customer11@1to1service.com", "bokamera": "admin@demo.local"}
READ = {"pf": LINKS, "bokamera": "/bokamera/customers?Take=2"}


def _use(monkeypatch: pytest.MonkeyPatch, site: Site, **settings: bool) -> None:
    monkeypatch.setattr(site, "settings", HostSettings(**settings))


def test_the_defaults_per_site_and_the_environment() -> None:
    """Both sites load CsvFormat and not HtmlFormat unless ``CRMGATE_{SITE}_CSV_FORMAT`` /
    ``CRMGATE_{SITE}_HTML_FORMAT`` say otherwise (why: docs/wire/servicestack.md; ServiceStack
    registers both by default: ServiceStack/ServiceStack,
    ServiceStack/src/ServiceStack/AppHostBase.Options.cs ``DefaultPlugins``)."""
    for name in SITES:
        assert HostSettings.from_env(name, {}).csv_format is True
        assert HostSettings.from_env(name, {}).html_format is False
    env = {"CRMGATE_PF_CSV_FORMAT": "0", "CRMGATE_PF_HTML_FORMAT": "yes"}
    assert HostSettings.from_env("pf", env) == HostSettings(html_format=True, csv_format=False)
    assert HostSettings.from_env("bokamera", env) == HostSettings()


@pytest.mark.parametrize("site", ["pf", "bokamera"])
def test_csv_loaded(client: TestClient, monkeypatch: pytest.MonkeyPatch, site: str) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Formats/CsvFormat.cs
    ``Register``: ``text/csv`` answers ``?format=csv``, ``.csv`` and ``/csv/reply/X``, with
    ``Content-Disposition: attachment;filename="{Operation}.csv"`` (its global response
    filter) on a successful answer."""
    _use(monkeypatch, SITES[site], csv_format=True)
    sign_in(client, site, USER[site])
    path, _, query = READ[site].partition("?")
    for url in (f"{path}?format=csv&{query}", f"{path}.csv?{query}"):
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/csv"
        assert answer.headers["content-disposition"].startswith('attachment;filename="')
        assert answer.content.endswith(b"\r\n")
    answer = client.get(READ[site], headers={"Accept": "text/csv"})
    assert answer.headers["content-type"] == "text/csv"


def test_csv_reply_route_and_rows(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/PredefinedRoutesFeature.cs
    ``GetHandlerForPathParts``: any registered format has ``/{format}/reply/X``; PF's
    response DTO (no ``[DataContract]``) is one row of itself, BokaMera's
    ``QueryResponse<T>`` (a ``[DataContract]``) one row per result (ServiceStack.Text
    ``CsvSerializer<T>.GetWriteFn``)."""
    _use(monkeypatch, pf, csv_format=True)
    sign_in(client, "pf", USER["pf"])
    answer = client.get(REPLY.format("csv"))
    assert answer.status_code == 200
    header, row = answer.text.split("\r\n")[:2]
    assert header == "Roles,ContactConnections,EmailAddressBook,ResponseStatus"
    assert row.startswith('"[{ContactRoleId:')
    sign_in(client, "bokamera", USER["bokamera"])
    lines = client.get("/bokamera/customers.csv?Take=2").text.split("\r\n")
    assert lines[0].startswith("Id,Firstname,Lastname,Email,")
    assert len(lines) == 4  # header, two rows, the final CRLF


def test_a_csv_body_is_read(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """CsvFormat.cs ``Register`` registers ``CsvSerializer.DeserializeFromStream`` for
    ``text/csv``: a header row and a row of values bind like any body."""
    _use(monkeypatch, bokamera, csv_format=True)
    sign_in(client, "bokamera", USER["bokamera"])
    answer = client.put(
        f"/bokamera/customers/{JOHN_ID}",
        content=b"Firstname,Lastname\r\nCsv,Reader\r\n",
        headers={"Content-Type": "text/csv", "Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["Firstname"], answer.json()["Lastname"]) == ("Csv", "Reader")


def test_csv_not_loaded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CsvFormat (``Feature.Csv`` removed: ServiceStack/ServiceStack,
    ServiceStack/src/ServiceStack/ServiceStackHost.cs removes ``text/csv`` from
    ``ContentTypes``): ``?format=csv`` and ``.csv`` still name ``text/csv``
    (``Host/ContentTypes.cs`` ``GetFormatContentType``'s switch) but nothing writes it:
    ``SerializeUnknownContentType`` throws, a 500 with no body; ``/csv/reply/X`` has no
    handler (404); ``Accept: text/csv`` is no registered type (the default, JSON); a CSV body
    is not read."""
    _use(monkeypatch, pf, csv_format=False)
    sign_in(client, "pf", USER["pf"])
    for url in (f"{LINKS}?format=csv", f"{LINKS}.csv"):
        answer = client.get(url)
        assert (answer.status_code, answer.content) == (500, b"")
        assert answer.headers["content-type"] == "text/csv"
    assert client.get(REPLY.format("csv")).status_code == 404
    answer = client.get(LINKS, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("site", ["pf", "bokamera"])
def test_html_loaded(client: TestClient, monkeypatch: pytest.MonkeyPatch, site: str) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Formats/HtmlFormat.cs:
    ``Register`` makes ``text/html`` the default content type (a browser's Accept, ``*/*``
    and no Accept at all answer HTML); ``SerializeToStreamAsync`` writes the snapshot page
    whose ``window.Dto`` is the JSON answer (``<``/``>`` escaped by ``HtmlEncodeLite``), and
    titles it ``{RequestName} Snapshot of {now}`` (``TitleFormat``)."""
    _use(monkeypatch, SITES[site], html_format=True)
    sign_in(client, site, USER[site])
    json_answer = client.get(READ[site], headers={"Accept": "application/json"}).json()
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for headers in ({"Accept": browser}, {"Accept": "*/*"}):
        answer = client.get(READ[site], headers=headers)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/html"
        dto = answer.text.split("<script>window.Dto = ", 1)[1].split("</script>", 1)[0]
        assert json.loads(dto.replace("&lt;", "<").replace("&gt;", ">")) == json_answer
        operation = "ContactConnectedLinks" if site == "pf" else "CustomerQuery"
        assert f"<title>{operation} Snapshot of " in answer.text
    path, _, query = READ[site].partition("?")
    assert client.get(f"{path}?format=html&{query}").headers["content-type"] == "text/html"
    assert client.get(f"{path}.html?{query}").headers["content-type"] == "text/html"


def test_html_errors_and_reply_route(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """HtmlFormat.cs ``SerializeToStreamAsync`` renders an error answer too (status kept,
    the ``ResponseStatus`` in ``window.Dto``); ``/html/reply/X`` is HtmlFormat's predefined
    route (PredefinedRoutesFeature.cs ``GetHandlerForPathParts``)."""
    _use(monkeypatch, pf, html_format=True)
    client.cookies.clear()
    answer = client.get(LINKS, headers={"Accept": "text/html"})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "text/html"
    assert '"ErrorCode":"Unauthorized"' in answer.text
    sign_in(client, "pf", USER["pf"])
    answer = client.get(REPLY.format("html"))
    assert (answer.status_code, answer.headers["content-type"]) == (200, "text/html")
    assert "window.RequestDto = {" in answer.text


def test_html_not_loaded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without HtmlFormat (``Feature.Html`` removed: ServiceStackHost.cs takes ``text/html``
    out of ``PreferredContentTypes`` and ``ContentTypes``): ``text/html`` and ``?format=html``
    name nothing (``GetFormatContentType`` has no ``html`` case), so JSON answers; ``.html``
    is no suffix (no route: 404), nor is ``/html/reply/X``."""
    _use(monkeypatch, pf, html_format=False)
    sign_in(client, "pf", USER["pf"])
    for headers, url in (({"Accept": "text/html"}, LINKS), ({}, f"{LINKS}?format=html")):
        answer = client.get(url, headers=headers)
        assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert client.get(f"{LINKS}.html").status_code == 404
    assert client.get(REPLY.format("html")).status_code == 404


@pytest.mark.parametrize(
    ("handler", "query", "media"),
    [
        ("jsv", "", "application/jsv"),
        ("jsv", "&format=yaml", "text/jsv"),
        ("jsv", "&format=", "text/jsv"),
        ("jsv", "&format=XML", "application/xml"),
        ("json", "&format=yaml", "application/json; charset=utf-8"),
        ("xml", "&format=yaml", "application/xml"),
        ("xml", "&format=json.pretty", "application/json; charset=utf-8"),
    ],
)
def test_format_query_on_predefined_routes(
    client: TestClient, handler: str, query: str, media: str
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/Handlers/GenericHandler.cs
    ``ProcessRequestAsync``: ``GetQueryStringContentType() ?? HandlerContentType``. A
    ``?format=`` that names no format (unknown or empty) hides the path segment
    (HttpRequestExtensions.cs ``GetQueryStringContentType``), so the handler's own type
    answers: ``text/jsv`` for ``/jsv/reply/`` (``Host/Handlers/JsvReplyHandler.cs``:
    ``MimeTypes.JsvText``); a name is lower-cased and cut at its first dot."""
    sign_in(client, "pf", USER["pf"])
    answer = client.get(REPLY.format(handler) + query)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media


def test_jsonp(client: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/Handlers/
    ServiceStackHandlerBase.cs ``HandleResponseNext``: ``?callback=`` wraps the answer in
    ``callback(...)`` (``DataCache.CreateJsonpPrefix``), the name made safe
    (``GetJsonpCallback`` -> ServiceStack.Text ``SafeVarRef``), JSON sent as
    ``text/javascript`` (HttpResponseExtensionsInternal.cs ``WriteToResponse``); an error
    is sent with status 200 (``WriteErrorToResponse``)."""
    sign_in(client, "pf", USER["pf"])
    answer = client.get(f"{LINKS}?callback=show$it")
    assert (answer.status_code, answer.headers["content-type"]) == (200, "text/javascript")
    assert answer.text.startswith('show_it({"Roles":[')
    assert answer.text.endswith("})")
    client.cookies.clear()
    answer = client.get(f"{LINKS}?callback=cb")
    assert (answer.status_code, answer.headers["content-type"]) == (200, "text/javascript")
    assert answer.text.startswith('cb({"ResponseStatus":{"ErrorCode":"Unauthorized"')


@pytest.mark.parametrize("url", [f"{LINKS}?format=jsv&debug=1", REPLY.format("jsv") + "&debug=x"])
def test_jsv_debug(client: TestClient, url: str) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/Handlers/
    ServiceStackHandlerBase.cs ``HandleResponseNext``: a JSV answer with ``?debug=`` is
    written by ``WriteDebugResponse``: ``SerializeAndFormat`` (JSV laid out by
    JsvFormatter) as ``text/plain``."""
    sign_in(client, "pf", USER["pf"])
    answer = client.get(url)
    assert (answer.status_code, answer.headers["content-type"]) == (200, "text/plain")
    assert answer.text.startswith("{\n\tRoles: \n\t[\n")
