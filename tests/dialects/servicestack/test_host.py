"""The generic host: user and predefined routes, negotiation, batching, error statuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from dialects.servicestack.pf import dialect as pf_site
from dialects.servicestack.routing import Decided
from tests.golden import golden
from tests.helpers import BM_HOST, JANE_ID, JOHN_ID, PF_HOST, XML_BODY

JOHN_HEX = JOHN_ID.replace("-", "")
Login = Callable[[str, str], TestClient]
JSON_BODY = {"Content-Type": "application/json"}
BATCH = f'[{{"ContactId":"{JOHN_ID}"}},{{"ContactId":"{JOHN_ID}"}}]'.encode()


@pytest.fixture
def pf(login_as: Login) -> TestClient:
    return login_as("pf", "customer11@1to1service.com")


@pytest.mark.parametrize(
    ("path", "headers", "media"),
    [
        (f"/pf/api/contacts/{JOHN_ID}/links", {}, "application/json; charset=utf-8"),
        (f"/pf/API/Contacts/{JOHN_ID}/LINKS", {}, "application/json; charset=utf-8"),
        (f"/pf/api/contacts/{JOHN_ID}/links.xml", {}, "application/xml"),
        (f"/pf/api/contacts/{JOHN_ID}/links?format=jsv", {}, "application/jsv"),
        (f"/pf/api/contacts/{JOHN_ID}/links.jsv", {}, "application/jsv"),
        (f"/pf/api/contacts/{JOHN_ID}/links", {"Accept": "application/jsv"}, "application/jsv"),
        (f"/pf/api/contacts/{JOHN_ID}/links", {"Accept": "application/xml"}, "application/xml"),
        (f"/pf/api/contacts/{JOHN_ID}/links", {"Accept": "text/jsv"}, "text/jsv"),
        (
            f"/pf/json/reply/ContactConnectedLinks?ContactId={JOHN_ID}",
            {},
            "application/json; charset=utf-8",
        ),
        (f"/pf/xml/reply/ContactConnectedLinks?ContactId={JOHN_HEX}", {}, "application/xml"),
        (f"/pf/jsv/reply/contactconnectedlinks?contactid={JOHN_ID}", {}, "application/jsv"),
        (
            f"/pf/api/ContactConnectedLinks?ContactId={JOHN_ID}",
            {},
            "application/json; charset=utf-8",
        ),
        (f"/pf/api/ContactConnectedLinks?ContactId={JOHN_ID}&format=xml", {}, "application/xml"),
        (
            f"/pf/xml/reply/ContactConnectedLinks?ContactId={JOHN_ID}&format=json",
            {},
            "application/json; charset=utf-8",
        ),
    ],
)
def test_user_and_predefined_routes_negotiate_the_format(
    pf: TestClient, path: str, headers: dict[str, str], media: str
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack: ``Host/RestHandler.cs``
    (``GetSanitizedPathInfo``: a format suffix wins), ``HttpRequestExtensions.cs``
    (``GetResponseContentType`` -> ``GetQueryStringContentType``: ``?format=``, else the first
    path segment of up to four letters, so ``/jsv/reply/`` is ``jsv`` too), ``Host/
    ContentTypes.cs`` (``jsv`` is ``application/jsv``), ``Host/Handlers/GenericHandler.cs``
    (``ProcessRequestAsync``: ``GetQueryStringContentType() ?? HandlerContentType``, so
    ``?format=json`` wins on ``/xml/reply/``); JSON alone gets ``; charset=utf-8``
    (``HostConfig.AppendUtf8CharsetOnContentTypes``)."""
    response = pf.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    assert "Jane Roe" in response.text


@pytest.mark.parametrize("verb", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_every_verb_reaches_an_all_verbs_route(pf: TestClient, verb: str) -> None:
    response = pf.request(verb, f"/pf/api/contacts/{JOHN_ID}/links")
    assert response.status_code == 200
    assert response.json()["EmailAddressBook"][0]["ContactName"] == "Jane Roe"


def test_user_routes_bind_body_then_path_then_query(pf: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/RestHandler.cs
    ``CreateRequestAsync`` reads the body first and hands it to Host/RestPath.cs
    ``CreateRequest``, which sets the path variables and then the query string and form data
    over them ("path variables < query string < form data")."""
    path_over_body = pf.post(f"/pf/api/contacts/{JOHN_ID}/links", json={"contactId": JANE_ID})
    assert path_over_body.json()["Roles"][0]["RoleName"] == "Member"  # John's, not Jane's
    query_over_path = pf.post(
        f"/pf/api/contacts/{JANE_ID}/links?ContactId={JOHN_ID}", json={"contactId": JANE_ID}
    )
    assert query_over_path.status_code == 200
    assert query_over_path.json()["Roles"][0]["RoleName"] == "Member"
    jane = pf.post(f"/pf/api/contacts/{JOHN_ID}/links?ContactId={JANE_ID}")
    assert jane.status_code == 403  # the query's contact: not John's to read


def test_predefined_routes_fill_only_what_the_body_left_unset_from_the_query(
    pf: TestClient,
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/Handlers/GenericHandler.cs
    ``CreateRequestAsync``: after the body, a non-empty query value is set only on a member
    whose value is still null or its type's default."""
    response = pf.post(f"/pf/json/reply/ContactConnectedLinks?ContactId={JOHN_ID}", json={})
    assert response.status_code == 200
    body_kept = pf.post(
        f"/pf/json/reply/ContactConnectedLinks?ContactId={JANE_ID}", json={"ContactId": JOHN_ID}
    )
    assert body_kept.status_code == 200


def test_form_bodies_bind_like_json(pf: TestClient) -> None:
    response = pf.post(
        "/pf/json/reply/ContactConnectedLinks",
        content=f"ContactId={JOHN_ID}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200


def test_jsconfig_camel_case(pf: TestClient) -> None:
    for jsconfig in ("tc:cc", "TextCase:CamelCase", "EmitCamelCaseNames:true", "eccn"):
        body = pf.get(f"/pf/api/contacts/{JOHN_ID}/links?jsconfig={jsconfig}").json()
        assert list(body) == ["roles", "contactConnections", "emailAddressBook"], jsconfig
    body = pf.get(f"/pf/api/contacts/{JOHN_ID}/links?jsconfig=eccn:false").json()
    assert "Roles" in body


def test_served_at_the_root_of_each_seed_host(client: TestClient) -> None:
    assert client.get("/metadata", headers=PF_HOST).status_code == 200
    assert "BokaMera" in client.get("/metadata", headers=BM_HOST).text
    assert "BokaMera" in client.get("/metadata", headers={"Host": "api.bokamera.se"}).text


def test_unknown_route_is_404_in_the_negotiated_format(client: TestClient) -> None:
    response = client.get("/pf/nowhere.xml")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/xml"
    assert response.content.startswith(b"<ErrorResponse ")
    assert b"<ErrorCode>NotFound</ErrorCode>" in response.content
    response = client.get("/pf/json/reply/NoSuchDto")
    assert response.json()["ResponseStatus"]["ErrorCode"] == "NotFound"


def test_a_verb_the_route_does_not_declare_matches_no_route(login_as: Login) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/RestPath.cs ``IsMatch``:
    a route that does not allow the verb is not a match (``!AllowedVerbs.Contains(httpMethod)``
    returns false), so no handler is found: 404, and no ``Allow`` header."""
    client = login_as("bokamera", "admin@demo.local")
    response = client.post(f"/bokamera/customers/{JOHN_ID}", json={})
    assert response.status_code == 404
    assert "allow" not in response.headers
    assert response.json()["ResponseStatus"]["ErrorCode"] == "NotFound"


def test_anonymous_callers_get_401_in_the_response_dto(client: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/AuthenticateAttribute.cs hands
    a caller without a session to the first provider's ``HandleFailedAuth``, which is
    Auth/AuthProvider.cs ``OnFailedAuthentication``: 401 and ``WWW-Authenticate: {Provider}
    realm="{AuthRealm}"`` - Auth/CredentialsAuthProvider.cs: ``credentials``,
    ``/auth/credentials``. Its ResponseStatus, made from an HttpError, has ``Errors: []``
    (ServiceStack.Client/ResponseStatusUtils.cs ``CreateResponseStatus``)."""
    for bearer in ({}, {"Authorization": "Bearer not.a.jwt"}):
        response = client.get(f"/pf/api/contacts/{JOHN_ID}/links", headers=bearer)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'credentials realm="/auth/credentials"'
        assert response.json() == {
            "ResponseStatus": {
                "ErrorCode": "Unauthorized",
                "Message": "Not Authenticated",
                "Errors": [],
            }
        }


@pytest.mark.parametrize(
    ("body", "media"),
    [
        (b'{"ContactId": "not-a-guid"}', "application/json"),
        (b'{"ContactId": ', "application/json"),
        (b"<Wrong/>", "application/xml"),
        (b"{ContactId:[}", "text/jsv"),
    ],
)
def test_unreadable_bodies_are_400_serialization_exception(
    pf: TestClient, body: bytes, media: str
) -> None:
    response = pf.post(
        "/pf/json/reply/ContactConnectedLinks", content=body, headers={"Content-Type": media}
    )
    assert response.status_code == 400
    assert response.json()["ResponseStatus"]["ErrorCode"] == "SerializationException"


def test_an_unknown_body_media_type_is_ignored_never_415(pf: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/Handlers/
    ServiceStackHandlerBase.cs ``CreateContentTypeRequestAsync``: with no deserializer for the
    Content-Type the body is not read and an empty DTO is bound from path and query; a
    predefined route reads the body in its own format whatever the Content-Type
    (GenericHandler.cs ``CreateRequestAsync`` passes ``HandlerContentType``)."""
    user_route = pf.post(
        f"/pf/api/contacts/{JOHN_ID}/links", content=b"a,b", headers={"Content-Type": "text/csv"}
    )
    assert user_route.status_code == 200
    predefined = pf.post(
        "/pf/json/reply/ContactConnectedLinks",
        content=f'{{"ContactId":"{JOHN_ID}"}}'.encode(),
        headers={"Content-Type": "text/plain"},
    )
    assert predefined.status_code == 200
    unreadable = pf.post(
        "/pf/json/reply/ContactConnectedLinks", content=b"x", headers={"Content-Type": "text/csv"}
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["ResponseStatus"]["Message"].startswith(
        "Could not deserialize 'text/csv' request using "
        "Eros.Subtle.Canvara.WebAPIModel.ServiceModel.ContactConnectedLinks'\nError: "
    )


def test_oversized_bodies_are_413_in_servicestack_envelope(client: TestClient) -> None:
    response = client.post("/pf/json/reply/ContactConnectedLinks", content=b"x" * 1_100_000)
    assert response.status_code == 413
    assert response.json()["ResponseStatus"]["ErrorCode"] == "RequestEntityTooLarge"


def test_missing_contact_id_is_a_validation_error(pf: TestClient) -> None:
    response = pf.post("/pf/json/reply/ContactConnectedLinks", json={})
    assert response.status_code == 400
    assert response.json()["ResponseStatus"] == {
        "ErrorCode": "NotEmpty",
        "Message": "'Contact Id' must not be empty.",
        "Errors": [
            {
                "ErrorCode": "NotEmpty",
                "FieldName": "ContactId",
                "Message": "'Contact Id' must not be empty.",
            }
        ],
    }


def test_auto_batched_requests_answer_a_list(pf: TestClient) -> None:
    response = pf.post(
        "/pf/json/reply/ContactConnectedLinks[]",
        json=[{"ContactId": JOHN_ID}, {"contactId": JOHN_HEX}],
    )
    assert response.status_code == 200
    assert response.headers["x-autobatch-completed"] == "2"
    assert [len(r["Roles"]) for r in response.json()] == [1, 1]
    jsv = pf.post(
        "/pf/jsv/reply/ContactConnectedLinks[]",
        content=f"[{{ContactId:{JOHN_ID}}}]".encode(),
        headers={"Content-Type": "text/jsv"},
    )
    assert jsv.status_code == 200
    assert jsv.text.startswith("[{Roles:[{")


def test_auto_batch_stops_at_the_first_error(pf: TestClient) -> None:
    response = pf.post(
        "/pf/json/reply/ContactConnectedLinks[]",
        json=[{"ContactId": JOHN_ID}, {"ContactId": JANE_ID}, {"ContactId": JOHN_ID}],
    )
    assert response.status_code == 403
    assert response.headers["x-autobatch-completed"] == "1"
    assert response.json()["ResponseStatus"]["ErrorCode"] == "Forbidden"


def test_the_failing_item_of_a_batch_names_its_index_in_meta(pf: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/ServiceController.cs sets
    ``Keywords.AutoBatchIndex`` to each item's index while it runs; Host/ServiceRunner.cs
    ``AfterEachRequest`` copies it into an error's ``ResponseStatus.Meta``."""
    response = pf.post(
        "/pf/json/reply/ContactConnectedLinks[]",
        json=[{"ContactId": JOHN_ID}, {"ContactId": JOHN_ID}, {"ContactId": JANE_ID}],
    )
    assert response.status_code == 403
    assert response.json()["ResponseStatus"]["Meta"] == {"AutoBatchIndex": "2"}


@pytest.mark.parametrize(
    ("verb", "path", "body", "media", "status"),
    [
        ("GET", "/pf/json/reply/ContactConnectedLinks[]", b"", "application/json", 405),
        ("POST", "/pf/json/reply/ContactConnectedLinks[]", b"{}", "application/json", 400),
        ("POST", "/pf/json/reply/ContactConnectedLinks[]", b"<a/>", "application/xml", 400),
        ("POST", "/pf/xml/reply/ContactConnectedLinks[]", b"[]", "application/json", 406),
    ],
)
def test_auto_batch_misuse(
    pf: TestClient, verb: str, path: str, body: bytes, media: str, status: int
) -> None:
    response = pf.request(verb, path, content=body, headers={"Content-Type": media})
    assert response.status_code == status


def test_empty_path_variable_matches_no_route(pf: TestClient) -> None:
    assert pf.get("/pf/api/contacts//links").status_code == 404


def test_an_unknown_format_query_falls_back_to_accept(pf: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/HttpRequestExtensions.cs
    ``GetQueryStringContentType``: ``ContentTypes.GetFormatContentType`` knows no ``yaml``, so
    ``GetResponseContentType`` goes on to Accept (here nothing: the default, JSON)."""
    response = pf.get(f"/pf/api/contacts/{JOHN_ID}/links?format=yaml")
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    response = pf.get(
        f"/pf/api/contacts/{JOHN_ID}/links?format=yaml", headers={"Accept": "application/xml"}
    )
    assert response.headers["content-type"] == "application/xml"


def test_lists_and_nested_dtos_in_query_strings_are_jsv(login_as: Login) -> None:
    client = login_as("bokamera", "admin@demo.local")
    query = "CustomFields=[{Id:1,Value:7}]&InvoiceAddress={InvoiceCity:Malm%C3%B6}&Lastname="
    response = client.put(f"/bokamera/customers/{JOHN_ID}?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["CustomFieldValues"][0]["Value"] == "7"
    assert body["InvoiceAddress"] == {"InvoiceCity": "Malmö"}
    assert "Lastname" not in body
    assert client.get("/bokamera/customers?Skip=&Take=1").json()["Offset"] == 0


def test_an_xml_root_outside_the_contract_namespace_is_a_serialization_exception(
    pf: TestClient,
) -> None:
    """ServiceStack reads XML with DataContractSerializer (ServiceStack/ServiceStack,
    ServiceStack/src/ServiceStack/Host/ContentTypes.cs registers ``XmlSerializer``'s
    DataContract reader for ``application/xml``), whose ``ReadObject`` refuses a root in
    another namespace; ServiceStackHandlerBase.cs ``CreateContentTypeRequestAsync`` wraps it
    in a SerializationException: 400."""
    sample = golden("002/contact-connected-links-request.xml")
    wrong = sample.replace(b"Eros.Subtle.Canvara.WebAPIModel.ServiceModel", b"Other")
    response = pf.post(f"/pf/api/contacts/{JOHN_ID}/links", content=wrong, headers=XML_BODY)
    assert response.status_code == 400
    assert b"<d2p1:ErrorCode>SerializationException</d2p1:ErrorCode>" in response.content
    assert b"Expecting element 'ContactConnectedLinks' from namespace" in response.content


def test_a_site_dispatches_as_its_catch_all_route_did(client: TestClient) -> None:
    """The site dispatches its one catch-all route itself (``Site.asgi``), answering what
    Starlette's router answered: the site's root redirects to its slash, a verb no route
    takes is a 405 naming the verbs, a path the route pattern does not take is a 404."""
    root = client.get("/pf", follow_redirects=False)
    assert root.status_code == 307
    assert root.headers["location"] == "http://testserver/pf/"
    trace = client.request("TRACE", f"/pf/api/contacts/{JOHN_ID}/links")
    assert trace.status_code == 405
    assert sorted(trace.headers["allow"].split(", ")) == sorted(
        ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    )
    assert trace.json()["ResponseStatus"]["ErrorCode"] == "MethodNotAllowed"
    unmatched = client.get("/pf/a%0Ab/c")
    assert unmatched.status_code == 404
    assert unmatched.json()["ResponseStatus"]["Message"] == "No resource matches the request."


def test_a_request_shape_decided_once_answers_as_decided_afresh(pf: TestClient) -> None:
    """The site remembers what answers each request shape (``routing.Dispatches``): the same
    request again (a remembered decision) gets the same answer as the first (decided afresh),
    on user and predefined routes, batched or not, and a request no route takes stays a 404."""
    decided = pf_site._dispatched
    requests = [
        ("GET", f"/pf/api/contacts/{JOHN_ID}/links.xml", {}, b""),
        ("GET", f"/pf/api/contacts/{JOHN_ID}/links", {"Accept": "text/jsv"}, b""),
        ("GET", f"/pf/jsv/reply/contactconnectedlinks?contactid={JOHN_ID}", {}, b""),
        ("GET", f"/pf/api/contacts/{JOHN_ID}/links?jsconfig=tc:cc", {}, b""),
        ("POST", "/pf/json/reply/ContactConnectedLinks[]", JSON_BODY, BATCH),
        ("GET", "/pf/api/nothing/here", {}, b""),
    ]
    for method, path, headers, body in requests:
        decided._known.clear()
        first = pf.request(method, path, headers=headers, content=body)
        again = pf.request(method, path, headers=headers, content=body)
        assert (again.status_code, again.headers["content-type"], again.content) == (
            first.status_code,
            first.headers["content-type"],
            first.content,
        )
        assert len(decided._known) == (first.status_code != 404)


def test_what_a_known_shape_binds_is_bound_again_each_request_its_own_dto() -> None:
    """The second request of a shape binds its path and query from what the first kept
    (``routing.Dispatches``): each gets a DTO of its own, with the path over the body."""
    operation = pf_site.by_name["contactconnectedlinks"]
    request = Request({"type": "http", "query_string": b"", "headers": []})
    shape = ("POST", "/test/bind/kept")
    decided = Decided(operation, "json", {"ContactId": JOHN_ID}, None, False, "json")
    pf_site._dispatched.get(shape, pf_site.settings)
    first = pf_site._bind(request, shape, decided, None)
    assert pf_site._dispatched.bound(shape) is not None
    again = pf_site._bind(request, shape, decided, None)
    assert again == first
    assert again is not first
    body = operation.request(ContactId=uuid.UUID(JANE_ID))
    over_body = pf_site._bind(request, shape, decided, body)
    assert over_body.ContactId == uuid.UUID(JOHN_ID)
    assert body.ContactId == uuid.UUID(JANE_ID)
