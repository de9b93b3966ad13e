"""The seeds' samples, byte for byte: encoding their DTO values reproduces them, decoding them
gives the values back."""

from __future__ import annotations

import re
from xml.etree.ElementTree import canonicalize

from dialects.formats.datacontract import DataContractXml
from dialects.formats.json import WebApiJson
from dialects.formats.jsv import Jsv, parse
from dialects.servicestack.bokamera.dto import CustomerQueryResponse, UpdateCustomer
from dialects.servicestack.pf.dto import ContactConnectedLinks, ContactConnectedLinksResponse
from dialects.webapi.dto import CusSocialAccountDto
from tests.dialects.formats.seed_values import (
    CUSTOMER_RESPONSE,
    LINKS_RESPONSE,
    NIL,
    SOCIAL_ACCOUNT,
    UPDATE_CUSTOMER,
)
from tests.golden import golden, json_in_order

XML = DataContractXml()
#: BokaMera's host writes dashed Guids and leaves out default Guids and DateTimes (seed 004).
BOKAMERA_JSV = Jsv(guid_format="D", omit_defaults=("uuid", "datetime"))


def c14n(buf: bytes) -> str:
    return canonicalize(buf.decode(), strip_text=True)


def without_layout(buf: bytes) -> bytes:
    """The seed's XML without the line breaks the help page puts between elements."""
    return re.sub(rb">\s+<", b"><", buf.strip())


def as_page_shows(jsv: bytes) -> bytes:
    """JsvFormatter output as the vendor page renders it: no indentation, no blank lines."""
    lines = (line.strip() for line in jsv.decode().splitlines())
    return "".join(line + "\n" for line in lines if line).encode()


def test_webapi_xml_sample() -> None:
    sample = golden("000/cus-social-account.xml")
    assert c14n(XML.encode(SOCIAL_ACCOUNT)) == c14n(sample)
    assert XML.encode(SOCIAL_ACCOUNT) == without_layout(sample)
    assert XML.decode(sample, CusSocialAccountDto) == SOCIAL_ACCOUNT


def test_webapi_json_sample() -> None:
    sample = golden("000/cus-social-account.json")
    assert json_in_order(WebApiJson().encode(SOCIAL_ACCOUNT)) == json_in_order(sample)
    assert WebApiJson().decode(sample, CusSocialAccountDto) == SOCIAL_ACCOUNT


def test_servicestack_xml_request_sample() -> None:
    sample = golden("002/contact-connected-links-request.xml")
    assert XML.encode(ContactConnectedLinks(ContactId=NIL)) == without_layout(sample)
    assert c14n(XML.encode(ContactConnectedLinks(ContactId=NIL))) == c14n(sample)
    assert XML.decode(sample, ContactConnectedLinks) == ContactConnectedLinks(ContactId=NIL)


def test_servicestack_xml_response_sample_with_response_status() -> None:
    sample = golden("002/contact-connected-links-response.xml")
    assert XML.encode(LINKS_RESPONSE) == without_layout(sample)
    assert c14n(XML.encode(LINKS_RESPONSE)) == c14n(sample)
    assert XML.decode(sample, ContactConnectedLinksResponse) == LINKS_RESPONSE


def test_jsv_request_sample() -> None:
    sample = golden("004/update-customer-request.jsv")
    assert as_page_shows(BOKAMERA_JSV.encode_pretty(UPDATE_CUSTOMER)) == sample
    assert BOKAMERA_JSV.encode(UPDATE_CUSTOMER) == (
        b"{CompanyId:00000000-0000-0000-0000-000000000000,Firstname:String,Lastname:String,"
        b"Phone:String,Email:String,CustomFields:[{Id:0,Value:String}],AccessKeys:[{"
        b"Id:00000000-0000-0000-0000-000000000000,CompanyId:00000000-0000-0000-0000-000000000000,"
        b"AccessKeyTypeId:0,Value:String,CustomerId:00000000-0000-0000-0000-000000000000,"
        b"Description:String}],AccessKeysToDelete:[{}],SubscribedToNewsletter:False,"
        b"InvoiceAddress:{CorporateIdentityNumber:String,InvoiceAddress1:String,"
        b"InvoiceAddress2:String,InvoiceCity:String,InvoicePostalCode:String,"
        b"InvoiceCountryCode:String}}"
    )
    assert BOKAMERA_JSV.decode(sample, UpdateCustomer) == UPDATE_CUSTOMER


def _casefold_booleans(tree: object) -> object:
    if isinstance(tree, dict):
        return {k: _casefold_booleans(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_casefold_booleans(v) for v in tree]
    return tree.lower() if tree in ("True", "False") else tree


def test_jsv_response_sample_shape() -> None:
    """The page mixes JSON-looking members (``"Id": 0``) into the response sample: it is read,
    and writing the value back gives the same tree (booleans in .NET's own case)."""
    sample = golden("004/customer-query-response.jsv")
    value = BOKAMERA_JSV.decode(sample, CustomerQueryResponse)
    assert value == CUSTOMER_RESPONSE
    written = BOKAMERA_JSV.encode(value)
    assert _casefold_booleans(parse(written)) == _casefold_booleans(parse(sample))
    assert b'"' not in written
