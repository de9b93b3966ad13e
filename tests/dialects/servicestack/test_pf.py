"""PF: seed 002's ContactConnectedLinks, verbatim, and what core puts in it."""

from __future__ import annotations

import uuid

import pytest
from starlette.testclient import TestClient

from core.models import Customer
from core.services import Core
from core.services.links import Links
from dialects.servicestack.pf import dialect, mapping
from dialects.servicestack.pf.dto import ContactConnectedLinks, ContactConnectedLinksResponse
from dialects.servicestack.typeinfo import placeholder
from tests.golden import golden
from tests.helpers import JANE_ID, JOHN_ID, OLGA_ID, PF_HOST, XML_BODY, sign_in

SAMPLE_REQUEST = golden("002/contact-connected-links-request.xml")
SAMPLE_RESPONSE = golden("002/contact-connected-links-response.xml")


def test_seed_samples_are_what_the_codecs_write_for_placeholders() -> None:
    """The seed's sample bodies are ServiceStack's placeholders: ours are byte-identical."""
    flat = SAMPLE_RESPONSE.replace(b"\n", b"")
    assert dialect.formats.encode(placeholder(ContactConnectedLinksResponse), "xml") == flat
    request = SAMPLE_REQUEST.replace(b"\n", b"")
    assert dialect.formats.encode(placeholder(ContactConnectedLinks), "xml") == request


@pytest.mark.parametrize(
    ("prefix", "headers"),
    [("/pf", {}), ("", PF_HOST)],
    ids=["prefix", "host"],
)
@pytest.mark.parametrize(
    ("suffix", "extra"),
    [("", XML_BODY), ("?format=xml", {"Content-Type": "application/xml"}), (".xml", XML_BODY)],
    ids=["accept", "format", "suffix"],
)
def test_seed_002_sample_request_verbatim(
    client: TestClient,
    prefix: str,
    headers: dict[str, str],
    suffix: str,
    extra: dict[str, str],
) -> None:
    sign_in(client, "pf", "customer11@1to1service.com", headers)
    response = client.post(
        f"{prefix}/api/contacts/{JOHN_ID}/links{suffix}",
        content=SAMPLE_REQUEST,
        headers=headers | extra,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    body = response.content
    assert body.startswith(
        b'<ContactConnectedLinksResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.'
        b'ServiceModel"><ContactConnections><UserContactConnectionModel><ConnectionContactId>'
        + JANE_ID.encode()
    )
    assert b'<ResponseStatus i:nil="true" />' in body
    assert b"<RoleName>Member</RoleName>" in body


def test_john_sees_roles_connections_and_address_book(client: TestClient) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    body = client.get(f"/pf/api/contacts/{JOHN_ID}/links").json()
    assert body["Roles"] == [
        {
            "ContactRoleId": "c0e10000000040008000000000000001",
            "RoleId": "5e1e0000000040008000000000000b01",
            "RoleName": "Member",
            "RolePrimaryImageURL": "https://images.demo.local/roles/member.png",
            "RolePrimaryImageThumbnailURL": "https://images.demo.local/roles/member-thumb.png",
            "RolePrimaryImageId": "1a0e0000000040008000000000000001",
            "StartDate": "/Date(1705276800000)/",
        }
    ]
    active, pending = body["ContactConnections"]
    assert active["ConnectionContactName"] == "Jane Roe"
    assert active["ConnectionStatusName"] == "Active"
    assert active["ConnectionId"] == "c0cc0000000040008000000000000001"
    assert active["IsConnectionLicenseeRole"] is True
    assert active["IsContactLicenseeRole"] is False
    assert active["ContactTypeName"] == "Organisation"
    assert "ConnectionRequestId" not in active
    assert pending["ConnectionContactName"] == "Erik Svensson"
    assert pending["ConnectionStatusName"] == "Pending"
    assert pending["ConnectionRequestId"] == "7e9e0000000040008000000000000001"
    assert "ConnectionId" not in pending
    assert [e["EmailAddress"] for e in body["EmailAddressBook"]] == [
        "jane@demo.local",
        "erik@demo.local",
    ]


def test_a_connection_reads_back_from_the_other_side(client: TestClient) -> None:
    sign_in(client, "pf", "jane@demo.local")
    body = client.get(f"/pf/api/contacts/{JANE_ID}/links").json()
    (connection,) = body["ContactConnections"]
    assert connection["ContactRoleName"] == "Licensee"
    assert connection["ConnectionContactName"] == "John Deer"
    assert connection["IsContactLicenseeRole"] is True


@pytest.mark.parametrize(
    ("contact", "status", "code"),
    [
        ("00000000-0000-0000-0000-000000000000", 404, "NotFound"),
        (OLGA_ID, 404, "NotFound"),
        (JANE_ID, 403, "Forbidden"),
    ],
)
def test_customers_see_only_their_own_links(
    client: TestClient, contact: str, status: int, code: str
) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    response = client.post(
        f"/pf/api/contacts/{contact}/links", content=SAMPLE_REQUEST, headers=XML_BODY
    )
    assert response.status_code == status
    assert f"<d2p1:ErrorCode>{code}</d2p1:ErrorCode>".encode() in response.content


def test_a_pf_answer_is_mapped_once_per_core_links_and_forgotten_with_them(core: Core) -> None:
    """Core hands out the same ``Links`` while nothing changed: its PF answer is reused; a
    write makes core build new ``Links``, and their answer says what changed."""
    admin = core.auth.login("admin@demo.local", "demo-admin")
    first = core.links.links(admin, uuid.UUID(JOHN_ID))
    answer = mapping.links_response(first)
    assert mapping.links_response(core.links.links(admin, uuid.UUID(JOHN_ID))) is answer
    with core.store.write():
        jane = core.store.get(Customer, uuid.UUID(JANE_ID))
        jane.first_name = "Janet"
        core.store.update(jane)
    renamed = mapping.links_response(core.links.links(admin, uuid.UUID(JOHN_ID)))
    assert renamed.ContactConnections is not None
    assert renamed.ContactConnections[0].ConnectionContactName == "Janet Roe"
    key = id(first)
    del first
    assert key not in mapping._answers


def test_a_pf_answer_is_not_reused_for_new_links_in_a_dead_ones_place(core: Core) -> None:
    """The answer is remembered under the ``Links``' identity, which a later object may take
    once the first is gone (CPython reuses the memory at once)."""
    admin = core.auth.login("admin@demo.local", "demo-admin")
    john = core.links.links(admin, uuid.UUID(JOHN_ID))
    for _ in range(20):
        links = Links(roles=john.roles, connections=[], address_book=[])
        assert mapping.links_response(links).ContactConnections == []
        del links
        links = Links(roles=[], connections=john.connections, address_book=[])
        answer = mapping.links_response(links)
        assert answer.Roles == []
        assert answer.ContactConnections == [mapping.connection_model(c) for c in john.connections]
        del links, answer


def test_a_pf_answer_is_encoded_once_per_format_and_anew_when_the_data_changes(
    client: TestClient, core: Core
) -> None:
    """The links operation hands out shared answers: the host keeps their bytes per format
    (``codecs.EncodedOnce``) while the answer lives; a write makes a new answer, encoded anew."""
    sign_in(client, "pf", "customer11@1to1service.com")
    url = f"/pf/api/contacts/{JOHN_ID}/links"
    bodies = dialect.encoded_once._bodies
    before = set(bodies)  # the site is one per process: earlier tests' answers may live on
    first = client.get(url, headers={"x-n": "1"})
    again = client.get(url, headers={"x-n": "2"})  # another request: not the answer cache's
    assert again.content == first.content
    (answer,) = set(bodies) - before
    assert bodies[answer] == {"json": first.content}
    assert client.get(url + ".xml").content.startswith(b"<ContactConnectedLinksResponse")
    assert set(bodies[answer]) == {"json", "xml"}
    with core.store.write():
        jane = core.store.get(Customer, uuid.UUID(JANE_ID))
        jane.first_name = "Janet"
        core.store.update(jane)
    renamed = client.get(url)
    assert b'"ConnectionContactName":"Janet Roe"' in renamed.content
    assert renamed.content == first.content.replace(b'"Jane Roe"', b'"Janet Roe"')
