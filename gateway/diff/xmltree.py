"""Rules on an XML body: element names and namespaces, child order, ``i:nil``, attribute
names and the format of text values. Repeated elements are a list: their count is data."""

from __future__ import annotations

from itertools import groupby
from xml.etree.ElementTree import Element

from dialects.formats.xmlread import INSTANCE
from gateway.diff.model import Difference
from gateway.diff.trees import formats

_NIL = f"{{{INSTANCE}}}nil"


def split_tag(tag: str) -> tuple[str, str]:
    """``(namespace, local name)`` of an ElementTree tag (``{ns}local``)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def name(where: str, vendor: Element, own: Element) -> list[Difference]:
    (ns_a, local_a), (ns_b, local_b) = split_tag(vendor.tag), split_tag(own.tag)
    found = []
    if local_a != local_b:
        found.append(Difference("xml", f"{where} element", local_a, local_b))
    if ns_a != ns_b:
        found.append(Difference("xml", f"{where} namespace", ns_a or "none", ns_b or "none"))
    return found


def nil(where: str, vendor: Element, own: Element) -> list[Difference]:
    theirs, ours = _is_nil(vendor), _is_nil(own)
    if theirs == ours:
        return []
    return [Difference("xml", f"{where} i:nil", str(theirs).lower(), str(ours).lower())]


def _is_nil(element: Element) -> bool:
    return element.get(_NIL, "").strip() == "true"


def attributes(where: str, vendor: Element, own: Element) -> list[Difference]:
    theirs = sorted(k for k in vendor.attrib if k != _NIL)
    ours = sorted(k for k in own.attrib if k != _NIL)
    if theirs == ours:
        return []
    return [Difference("xml", f"{where} attributes", ", ".join(theirs), ", ".join(ours))]


def _runs(element: Element) -> list[tuple[str, list[Element]]]:
    """Children grouped by runs of one tag: ``a, b, b, c`` is ``a, b[], c``."""
    return [(tag, list(run)) for tag, run in groupby(element, key=lambda e: e.tag)]


def _local(tag: str) -> str:
    return split_tag(tag)[1]


def children(where: str, vendor: Element, own: Element) -> list[Difference]:
    """Missing and extra child elements, and the order of the ones both have."""
    theirs = [tag for tag, _ in _runs(vendor)]
    ours = [tag for tag, _ in _runs(own)]
    found = []
    missing = [_local(t) for t in theirs if t not in ours]
    extra = [_local(t) for t in ours if t not in theirs]
    if missing:
        found.append(Difference("keys", where, ", ".join(missing), "missing"))
    if extra:
        found.append(Difference("keys", where, "absent", ", ".join(extra)))
    common_a = [_local(t) for t in theirs if t in ours]
    common_b = [_local(t) for t in ours if t in theirs]
    if common_a != common_b:
        found.append(Difference("order", where, ", ".join(common_a), ", ".join(common_b)))
    return found


def content(where: str, vendor: Element, own: Element) -> list[Difference]:
    """Elements against text where an element holds one on one side and the other on the
    other side (an empty element is an empty list or an empty text: data)."""
    theirs, ours = _content(vendor), _content(own)
    if "empty" in (theirs, ours) or theirs == ours:
        return []
    return [Difference("kind", where, theirs, ours)]


def _content(element: Element) -> str:
    if len(element):
        return "elements"
    return "text" if (element.text or "").strip() else "empty"


def compare_element(vendor: Element, own: Element, where: str = "") -> list[Difference]:
    """Every difference of shape between two elements and their descendants."""
    here = f"{where}/{_local(vendor.tag)}"
    found = name(here, vendor, own) + nil(here, vendor, own) + attributes(here, vendor, own)
    found += content(here, vendor, own)
    if len(vendor) and len(own):
        found += children(here, vendor, own)
        runs = dict(_runs(own))
        for tag, run in _runs(vendor):
            for theirs, ours in zip(run, runs.get(tag, []), strict=False):
                found += compare_element(theirs, ours, here)
    elif not len(vendor) and not len(own):
        found += formats(here, (vendor.text or "").strip(), (own.text or "").strip())
    return found
