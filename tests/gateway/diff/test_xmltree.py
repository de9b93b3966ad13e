"""Rules on XML bodies, one test each."""

from __future__ import annotations

from xml.etree.ElementTree import Element, fromstring

from gateway.diff.model import Difference
from gateway.diff.xmltree import (
    attributes,
    children,
    compare_element,
    content,
    name,
    nil,
    split_tag,
)

NS = 'xmlns="http://schemas.datacontract.org/2004/07/Domain.Dtos"'
XSI = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'


def xml(text: str) -> Element:
    return fromstring(text)


def test_split_tag() -> None:
    assert split_tag("{urn:a}B") == ("urn:a", "B")
    assert split_tag("B") == ("", "B")


def test_name_and_namespace() -> None:
    assert name("/A", xml(f"<A {NS}/>"), xml(f"<A {NS}/>")) == []
    assert name("/A", xml(f"<A {NS}/>"), xml("<B/>")) == [
        Difference("xml", "/A element", "A", "B"),
        Difference(
            "xml", "/A namespace", "http://schemas.datacontract.org/2004/07/Domain.Dtos", "none"
        ),
    ]


def test_nil() -> None:
    assert nil("/A", xml(f'<A {XSI} i:nil="true"/>'), xml(f'<A {XSI} i:nil="true"/>')) == []
    assert nil("/A", xml(f'<A {XSI} i:nil="true"/>'), xml("<A/>")) == [
        Difference("xml", "/A i:nil", "true", "false")
    ]


def test_attribute_names() -> None:
    assert attributes("/A", xml('<A b="1"/>'), xml('<A b="2"/>')) == []
    assert attributes("/A", xml('<A b="1"/>'), xml('<A c="1"/>')) == [
        Difference("xml", "/A attributes", "b", "c")
    ]


def test_children_missing_extra_and_order_with_lists_as_one() -> None:
    assert children("/A", xml("<A><b/><c/><c/></A>"), xml("<A><b/><c/></A>")) == []
    assert children("/A", xml("<A><b/><c/><d/></A>"), xml("<A><c/><b/><e/></A>")) == [
        Difference("keys", "/A", "d", "missing"),
        Difference("keys", "/A", "absent", "e"),
        Difference("order", "/A", "b, c", "c, b"),
    ]


def test_content_elements_against_text() -> None:
    assert content("/A", xml("<A><b/></A>"), xml("<A/>")) == []
    assert content("/A", xml("<A><b/></A>"), xml("<A>x</A>")) == [
        Difference("kind", "/A", "elements", "text")
    ]


def test_compare_element_walks_children_and_text_formats() -> None:
    vendor = xml(
        f"<A {NS}><Id>11078e67-adf5-4306-a903-481ed7aa8c0e</Id><L><x>1</x><x>2</x></L></A>"
    )
    own = xml(f"<A {NS}><Id>11078e67adf54306a903481ed7aa8c0e</Id><L><x>Facebook</x></L></A>")
    assert compare_element(vendor, own) == [
        Difference("format", "/A/Id", "guid-dashed", "guid-n"),
        Difference("format", "/A/L/x", "enum as number", "enum as name"),
    ]
    assert compare_element(vendor, vendor) == []
