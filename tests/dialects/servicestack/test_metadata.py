"""Metadata pages and Add ServiceStack Reference sources, from the DTO declarations."""

from __future__ import annotations

import html
import sys
import types
from typing import ClassVar

import pytest
from starlette.testclient import TestClient

from dialects.servicestack import typegen
from dialects.servicestack.dto import Dto
from dialects.servicestack.operations import Operation, Route
from tests.golden import golden
from tests.helpers import BM_HOST, PF_HOST


def test_metadata_lists_every_operation(client: TestClient) -> None:
    page = client.get("/pf/metadata")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for name in ("ContactConnectedLinks", "Authenticate", "AuthenticateLogout"):
        assert f'href="json/metadata?op={name}"' in page.text
    assert client.get("/", headers=BM_HOST).text.count("metadata?op=UpdateCustomer") == 3
    assert "UpdateCustomer" in client.get("/bokamera/json/metadata?op=nope").text


def test_operation_page_shows_seed_002_tables_and_samples(client: TestClient) -> None:
    text = html.unescape(client.get("/xml/metadata?op=ContactConnectedLinks", headers=PF_HOST).text)
    assert "<tr><td>All Verbs</td><td>/api/contacts/{ContactId}/links</td></tr>" in text
    assert "<tr><td>ContactId</td><td>path</td><td>Guid?</td><td>No</td><td></td></tr>" in text
    assert "<td>Roles</td><td>form</td><td>List<UserRoleModel></td>" in text
    assert "append the .xml suffix or ?format=xml" in text
    request = golden("002/contact-connected-links-request.xml").decode().rstrip("\n")
    response = golden("002/contact-connected-links-response.xml").decode().rstrip("\n")
    assert (
        "POST /api/contacts/{ContactId}/links HTTP/1.1\nHost: pfapi.pstpf.com.au\n"
        "Accept: application/xml\nContent-Type: application/xml\nContent-Length: length\n\n"
        + request
    ) in text
    assert "HTTP/1.1 200 OK\nContent-Type: application/xml\nContent-Length: length\n\n" in text
    assert response in text


def test_operation_page_shows_seed_004_jsv_samples(client: TestClient) -> None:
    text = html.unescape(client.get("/bokamera/jsv/metadata?op=UpdateCustomer").text)
    assert "<tr><td>PUT</td><td>/customers/{Id}</td></tr>" in text
    assert "<tr><td>Id</td><td>path</td><td>Guid</td><td>Yes</td><td>customer id</td></tr>" in text
    assert "PUT /customers/{Id} HTTP/1.1\nHost: api.bokamera.se\nAccept: text/jsv" in text
    flat = "".join(text.split())
    assert "".join(golden("004/update-customer-request.jsv").decode().split()) in flat
    assert "<tr><td>Skip</td><td>query</td>" in html.unescape(
        client.get("/bokamera/json/metadata?op=CustomerQuery").text
    )


@pytest.mark.parametrize("site", ["pf", "bokamera"])
def test_python_types_import_and_round_trip_with_the_servicestack_client(
    client: TestClient, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = client.get(f"/{site}/types/python")
    assert source.status_code == 200
    module = types.ModuleType(f"{site}_dtos")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(source.text, f"{site}_dtos.py", "exec"), module.__dict__)
    if site == "bokamera":
        dto = module.UpdateCustomer(
            id="x", firstname="Jo", custom_fields=[module.AddCustomField(id=1, value="2")]
        )
        assert dto.to_dict()["customFields"] == [{"id": 1, "value": "2"}]
        assert '# @Route("/customers/{Id}", "PUT")' in source.text
    else:
        assert module.ContactConnectedLinks.__orig_bases__[0].__args__[0] is (
            module.ContactConnectedLinksResponse
        )


def test_typescript_and_csharp_sources(client: TestClient) -> None:
    ts = client.get("/pf/types/typescript").text
    assert (
        "export class ContactConnectedLinks implements IReturn<ContactConnectedLinksResponse>" in ts
    )
    assert "    public contactId?: string;" in ts
    assert "public getMethod() { return 'GET'; }" in ts
    cs = client.get("/bokamera/types/csharp").text
    assert "namespace BokaMera.API.ServiceModel.Dtos" in cs
    assert '    [Route("/customers/{Id}", "PUT")]' in cs
    assert (
        "public partial class CustomerQuery : IReturn<QueryResponse<CustomerQueryResponse>>" in cs
    )
    assert "        public virtual Guid Id { get; set; }" in cs
    assert client.get("/pf/types/cobol").status_code == 404


@pytest.mark.parametrize(
    ("name", "snake"),
    [("RolePrimaryImageURL", "role_primary_image_url"), ("Id", "id"), ("RegEx", "reg_ex")],
)
def test_snake_case(name: str, snake: str) -> None:
    assert typegen.snake_case(name) == snake


class Everything(Dto):
    xml_namespace: ClassVar[str] = "http://schemas.datacontract.org/2004/07/Demo.Types"
    Tags: dict[str, str] = {}
    Ratio: float = 0.0
    Count: int | None = None


class EverythingResponse(Dto):
    xml_namespace: ClassVar[str] = "http://schemas.datacontract.org/2004/07/Demo.Types"
    Echo: Everything | None = None


def test_generators_cover_every_member_kind() -> None:
    operation = Operation(
        request=Everything,
        response=EverythingResponse,
        handler=lambda call, dto: dto,
        summary="x",
        routes=(Route("/everything"),),
    )
    python = typegen.python([operation], "http://x")
    assert "    tags: Dict[str, str] = field(default_factory=dict)" in python
    assert "    ratio: float = 0.0" in python
    assert "    count: Optional[int] = None" in python
    assert '# @Route("/everything", "GET,POST,PUT,DELETE,PATCH")' in python
    assert "public tags?: { [index: string]: string; };" in typegen.typescript([operation], "x")
    csharp = typegen.csharp([operation], "x")
    assert "namespace Demo.Types" in csharp
    assert '    [Route("/everything")]' in csharp
    assert "public virtual Dictionary<string, string> Tags { get; set; }" in csharp
    assert "public virtual int? Count { get; set; }" in csharp
