"""Untrusted XML through defusedxml: no DTD, no entities, no external references, bounded size."""

from __future__ import annotations

from typing import TYPE_CHECKING

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

if TYPE_CHECKING:  # the element type only: nothing here may parse with the standard library's trusting parser
    import xml.etree.ElementTree as ET

from app.ofd.errors import XmlError

MAX_XML = 16 * 1024 * 1024
OFD_NS = "http://www.ofdspec.org/2016"


def parse_xml(data: bytes, what: str, *, limit: int = MAX_XML) -> ET.Element:
    """Parse one XML part; DTDs and entity declarations are refused, not expanded."""
    if len(data) > limit:
        raise XmlError(f"{what}: {len(data)} bytes exceed {limit}", code="xml_too_large")
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XmlError(f"{what}: forbidden XML construct ({type(exc).__name__})", code="xml_forbidden") from exc
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown declared encoding
        raise XmlError(f"{what}: malformed XML: {exc}", code="xml_invalid") from exc


def local(tag: str) -> str:
    """The local name of an element tag, whatever its namespace (some producers use none)."""
    return tag.rsplit("}", 1)[-1]


def child(element: ET.Element, name: str) -> ET.Element | None:
    """The first direct child with local name `name`."""
    for item in element:
        if local(item.tag) == name:
            return item
    return None


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Every direct child with local name `name`."""
    return [item for item in element if local(item.tag) == name]


def child_text(element: ET.Element, name: str) -> str | None:
    """The stripped text of the first child named `name`, or None."""
    found = child(element, name)
    if found is None or found.text is None:
        return None
    return found.text.strip()
