"""BokaMera: seed 004's UpdateCustomer (JSON, JSV, XML), its rules, and the customer query."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from dialects.formats import jsv
from dialects.servicestack.bokamera import dialect
from dialects.servicestack.bokamera.dto import CustomerQueryResponse, UpdateCustomer
from dialects.servicestack.typeinfo import placeholder
from tests.golden import golden
from tests.helpers import BM_HOST, JANE_ID, JOHN_ID, OLGA_ID, WALTER_ID, XML_BODY, sign_in

SAMPLE = golden("004/update-customer-request.jsv")
JSV = {"Content-Type": "text/jsv", "Accept": "text/jsv"}
Login = Callable[[str, str], TestClient]


@pytest.fixture
def admin(login_as: Login) -> TestClient:
    return login_as("bokamera", "admin@demo.local")


def filled_sample() -> bytes:
    """Seed 004's sample with the placeholders the demo data refuses replaced (Guid.Empty
    stays: it means "not given")."""
    return (
        SAMPLE.replace(b"Email: String", b"Email: walter@demo.local")
        .replace(b"Id: 0,\nValue: String", b"Id: 2,\nValue: M-0468", 1)
        .replace(b"AccessKeyTypeId: 0", b"AccessKeyTypeId: 1")
    )


def test_seed_samples_match_the_placeholders_the_codecs_write() -> None:
    codec = dialect.formats.codecs["jsv"]
    assert jsv.parse(codec.encode(placeholder(UpdateCustomer))) == jsv.parse(SAMPLE)
    response = jsv.parse(golden("004/customer-query-response.jsv"))
    ours = jsv.parse(codec.encode(placeholder(CustomerQueryResponse)))
    assert list(ours)[:6] == list(response)[:6]
    assert ours["CustomFieldValues"] == response["CustomFieldValues"]
    assert ours["InvoiceAddress"] == response["InvoiceAddress"]


@pytest.mark.parametrize(
    ("path", "headers", "media"),
    [
        (f"/bokamera/customers/{WALTER_ID}", JSV, "text/jsv"),
        (f"/customers/{WALTER_ID}", JSV | BM_HOST, "text/jsv"),
        (
            f"/customers/{WALTER_ID}?format=jsv",
            {"Content-Type": "text/jsv"} | BM_HOST,
            "application/jsv",
        ),
        (f"/customers/{WALTER_ID}.jsv", {"Content-Type": "text/jsv"} | BM_HOST, "application/jsv"),
        (
            f"/customers/{WALTER_ID}",
            {"Content-Type": "application/jsv", "Accept": "application/jsv"} | BM_HOST,
            "application/jsv",
        ),
    ],
)
def test_seed_004_sample_verbatim_is_read_and_validated(
    admin: TestClient, path: str, headers: dict[str, str], media: str
) -> None:
    """The placeholders themselves fail validation, each with its own field error. Seed 004
    shows ``Accept: text/jsv`` answered as ``text/jsv``; ``?format=jsv`` and ``.jsv`` name
    the format ``jsv``, which ServiceStack/ServiceStack ``Host/ContentTypes.cs``
    (``ContentTypeFormats``, ``GetFormatContentType``) maps to ``application/jsv``; a body
    sent as ``application/jsv`` (what JsvServiceClient sends: ServiceStack.Text ``MimeTypes.Jsv``)
    is read."""
    if "Host" in headers:
        sign_in(admin, "bokamera", "admin@demo.local", BM_HOST)
    response = admin.put(path, content=SAMPLE, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == media
    status = jsv.parse(response.content)["ResponseStatus"]
    assert (status["ErrorCode"], status["Message"]) == (
        "Email",
        "'Email' is not a valid email address.",
    )
    assert [(e["FieldName"], e["ErrorCode"]) for e in status["Errors"]] == [
        ("Email", "Email"),
        ("CustomFields[0].Value", "NotFound"),
        ("AccessKeys[0].AccessKeyTypeId", "NotFound"),
    ]


def test_seed_004_sample_with_real_values_updates_walter(admin: TestClient) -> None:
    sign_in(admin, "bokamera", "admin@demo.local", BM_HOST)
    response = admin.put(f"/customers/{WALTER_ID}", content=filled_sample(), headers=JSV | BM_HOST)
    assert response.status_code == 200, response.text
    body = jsv.parse(response.content)
    assert body["Id"] == WALTER_ID
    assert (body["Firstname"], body["Lastname"], body["Email"]) == (
        "String",
        "String",
        "walter@demo.local",
    )
    assert body["CustomFieldValues"] == [
        {
            "Id": "2",
            "Column": "TextField2",
            "Name": "Membership number",
            "Description": "The customer's membership number",
            "Value": "M-0468",
            "DataType": "TextBox",
        }
    ]
    (key,) = body["AccessKeys"]
    assert (key["AccessKeyTypeId"], key["Value"], key["CustomerId"]) == ("1", "String", WALTER_ID)
    assert body["SubscribedToNewsletter"] == "False"
    assert body["InvoiceAddress"]["InvoiceCity"] == "String"
    assert body["Created"] == "2024-03-10T14:45:00Z"
    again = admin.get(f"/bokamera/customers?Id={WALTER_ID}").json()["Results"][0]
    assert again["Email"] == "walter@demo.local"


def test_update_in_json_and_xml(admin: TestClient) -> None:
    body = {"Firstname": "Johnny", "SubscribedToNewsletter": False, "ImageUrl": "ignored"}
    response = admin.put(f"/bokamera/customers/{JOHN_ID}", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    result = response.json()
    assert (result["Firstname"], result["Lastname"]) == ("Johnny", "Deer")
    assert result["SubscribedToNewsletter"] is False
    assert result["Comments"][0]["Comments"] == "Prefers morning appointments."
    xml = (
        b'<UpdateCustomer xmlns="http://schemas.datacontract.org/2004/07/BokaMera.API.'
        b'ServiceModel.Dtos"><Lastname>Doe</Lastname></UpdateCustomer>'
    )
    response = admin.put(f"/bokamera/customers/{JOHN_ID}", content=xml, headers=XML_BODY)
    assert response.status_code == 200
    assert b"<Firstname>Johnny</Firstname>" in response.content
    assert b"<Lastname>Doe</Lastname>" in response.content


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ([{"Id": 2, "Value": ""}], "NotEmpty", "Membership number is required"),
        ([{"Id": 1, "Value": "two"}], "RegularExpression", "Only digits are allowed"),
        (
            [{"Id": 1, "Value": "1234"}],
            "MaximumLength",
            "The length of 'Number of persons' must be 3 characters or fewer. "
            "You entered 4 characters.",
        ),
        (
            [{"Id": 3, "Value": "Fax"}],
            "Enum",
            "'Preferred contact' has a range of values which does not include 'Fax'.",
        ),
        ([{"Id": 99, "Value": "x"}], "NotFound", "Unknown custom field 99"),
    ],
)
def test_custom_fields_are_validated_against_the_company_definitions(
    admin: TestClient, fields: list[dict], code: str, message: str
) -> None:
    response = admin.put(f"/bokamera/customers/{JOHN_ID}", json={"CustomFields": fields})
    assert response.status_code == 400
    (error,) = response.json()["ResponseStatus"]["Errors"]
    assert error == {"ErrorCode": code, "FieldName": "CustomFields[0].Value", "Message": message}


def test_custom_values_access_keys_and_invoice_address_are_stored(admin: TestClient) -> None:
    body = {
        "CustomFields": [
            {"Id": 1, "Value": "4"},
            {"Id": 3, "Value": "SMS"},
            {"Id": 2, "Value": "M-1"},
        ],
        "AccessKeys": [{"AccessKeyTypeId": 2, "Value": "1234", "Description": "Keypad"}],
        "AccessKeysToDelete": [{"Id": "a11ce55e-0000-4000-8000-000000000466"}, {}],
        "InvoiceAddress": {"InvoiceCity": "Uppsala"},
    }
    result = admin.put(f"/bokamera/customers/{JOHN_ID}", json=body).json()
    assert {v["Id"]: v["Value"] for v in result["CustomFieldValues"]} == {
        1: "4",
        2: "M-1",
        3: "SMS",
    }
    assert [(k["AccessKeyTypeId"], k["Value"]) for k in result["AccessKeys"]] == [(2, "1234")]
    assert result["InvoiceAddress"] == {"InvoiceCity": "Uppsala"}
    cleared = admin.put(
        f"/bokamera/customers/{JOHN_ID}", json={"CustomFields": [{"Id": 1, "Value": ""}]}
    ).json()
    assert [v["Id"] for v in cleared["CustomFieldValues"]] == [2, 3]


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ({"AccessKeyTypeId": 1, "Value": " "}, "AccessKeys[0].Value"),
        ({"AccessKeyTypeId": 1, "Value": "x", "CustomerId": JANE_ID}, "AccessKeys[0].CustomerId"),
        ({"AccessKeyTypeId": 1, "Value": "x", "CompanyId": OLGA_ID}, "AccessKeys[0].CompanyId"),
    ],
)
def test_bad_access_keys_are_refused(admin: TestClient, key: dict, field: str) -> None:
    response = admin.put(f"/bokamera/customers/{JOHN_ID}", json={"AccessKeys": [key]})
    assert response.status_code == 400
    assert [e["FieldName"] for e in response.json()["ResponseStatus"]["Errors"]] == [field]


def test_unknown_access_key_to_delete_is_refused(admin: TestClient) -> None:
    response = admin.put(
        f"/bokamera/customers/{JOHN_ID}", json={"AccessKeysToDelete": [{"Id": JANE_ID}]}
    )
    assert response.json()["ResponseStatus"]["Errors"][0]["FieldName"] == (
        "AccessKeysToDelete[0].Id"
    )


def test_field_rules_use_fluentvalidation_messages(admin: TestClient) -> None:
    response = admin.put(f"/bokamera/customers/{JOHN_ID}", json={"Firstname": "x" * 51})
    assert response.json()["ResponseStatus"]["Errors"] == [
        {
            "ErrorCode": "MaximumLength",
            "FieldName": "Firstname",
            "Message": "The length of 'Firstname' must be 50 characters or fewer. "
            "You entered 51 characters.",
        }
    ]


def test_company_id_and_id_rules(admin: TestClient) -> None:
    other = admin.put(f"/bokamera/customers/{JOHN_ID}", json={"CompanyId": OLGA_ID})
    assert other.status_code == 404
    own = admin.put(
        f"/bokamera/customers/{JOHN_ID}",
        json={"CompanyId": "0d3e0000-0000-4000-8000-000000000001"},
    )
    assert own.status_code == 200
    missing = admin.put("/bokamera/json/reply/UpdateCustomer", json={"Firstname": "x"})
    assert missing.status_code == 400
    assert missing.json()["ResponseStatus"]["Errors"][0]["FieldName"] == "Id"


def test_email_of_a_customer_with_an_account_is_changed_only_by_that_customer(
    login_as: Login,
) -> None:
    client = login_as("bokamera", "admin@demo.local")
    refused = client.put(f"/bokamera/customers/{JOHN_ID}", json={"Email": "john@elsewhere.se"})
    assert refused.status_code == 403
    walter = client.put(f"/bokamera/customers/{WALTER_ID}", json={"Email": "walter@demo.local"})
    assert walter.status_code == 200
    client = login_as("bokamera", "customer11@1to1service.com")
    own = client.put(f"/bokamera/customers/{JOHN_ID}", json={"Email": "john@elsewhere.se"})
    assert own.status_code == 200


def test_query_by_id_email_phone_and_text(admin: TestClient) -> None:
    def ids(query: str) -> list[str]:
        body = admin.get(f"/bokamera/customers?{query}").json()
        assert body["Total"] == len(body.get("Results", [])) or "Take" in query
        return [r["Firstname"] for r in body.get("Results", [])]

    assert ids(f"Id={JOHN_ID}") == ["John"]
    assert ids("Email=JANE@demo.local") == ["Jane"]
    assert ids("Phone=%2B46 8 123 456 03") == ["Erik"]
    assert ids("Search=walk") == ["Walter"]
    assert ids("") == ["John", "Jane", "Walter", "Erik"]
    assert ids("OrderBy=Firstname") == ["Erik", "Jane", "John", "Walter"]
    assert ids("OrderByDesc=Firstname&Skip=1&Take=2") == ["John", "Jane"]
    assert ids("OrderBy=-Email") == ["Jane", "Erik", "John", "Walter"]
    assert ids(f"Id={OLGA_ID}") == []
    assert ids(f"CompanyId={OLGA_ID}") == []


def test_query_answers_offset_total_results(admin: TestClient) -> None:
    body = admin.get("/bokamera/customers?Skip=3&Take=1&format=json").json()
    assert list(body) == ["Offset", "Total", "Results"]
    assert (body["Offset"], body["Total"], len(body["Results"])) == (3, 4, 1)


@pytest.mark.parametrize(("query", "field"), [("OrderBy=Password", "OrderBy"), ("Skip=-1", "Skip")])
def test_bad_query_parameters_are_400(admin: TestClient, query: str, field: str) -> None:
    response = admin.get(f"/bokamera/customers?{query}")
    assert response.status_code == 400
    assert response.json()["ResponseStatus"]["Errors"][0]["FieldName"] == field


def test_a_customer_finds_only_itself(login_as: Login) -> None:
    client = login_as("bokamera", "jane@demo.local")
    body = client.get("/bokamera/customers").json()
    assert [r["Id"] for r in body["Results"]] == [JANE_ID]


def test_query_in_xml_keeps_servicestack_member_order(admin: TestClient) -> None:
    """The root is .NET's generic contract name with its namespace digest, as BokaMera's own
    XML sample names a QueryResponse of a Dtos type (api.bokamera.se/xml/metadata
    ?op=EAccountingCustomerQuery: ``QueryResponseOf...Wg5EthtI``)."""
    body = admin.get(f"/bokamera/customers.xml?Id={JOHN_ID}").content
    assert body.startswith(
        b'<QueryResponseOfCustomerQueryResponseWg5EthtI xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'
        b' xmlns="http://schemas.servicestack.net/types"><Offset>0</Offset><Total>1</Total>'
        b'<Results xmlns:d2p1="http://schemas.datacontract.org/2004/07/BokaMera.API.ServiceModel.'
        b'Dtos"><d2p1:CustomerQueryResponse>'
    )


def test_an_empty_custom_field_list_changes_nothing(admin: TestClient) -> None:
    """ServiceStack clients serialise an empty List<T> as ``[]``: it names no field to set
    (issue 17: this answered 500, the store built ``IN ()`` with no parameter)."""

    def john() -> dict:
        found = admin.get(f"/bokamera/customers?Id={JOHN_ID}").json()["Results"][0]
        del found["Updated"]  # a PUT is an update, even of nothing
        return found

    before = john()
    response = admin.put(f"/bokamera/customers/{JOHN_ID}", json={"CustomFields": []})
    assert response.status_code == 200, response.text
    assert john() == before
