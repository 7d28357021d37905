"""Google Merchant Center XML feed: RSS 2.0 (<item>) or Atom (<entry>), with the
g: namespace. Parsed as a stream with defusedxml: a document type declaration,
entities and external references are refused, so an entity-expansion ("billion
laughs") or external-entity file never expands."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import defusedxml
import defusedxml.ElementTree as SafeET

from embeddings.products import Product
from embeddings.importers.common import CatalogError, ImportReport
from embeddings.importers.merchant import Item, collect, field_name

ITEM_TAGS = ("item", "entry")
ROOTS = ("rss", "feed")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def root_name(path: Path) -> Optional[str]:
    """The root element's name, read from the first start tag (for detection)."""
    try:
        for _, element in SafeET.iterparse(str(path), events=("start",), forbid_dtd=True):
            return _local(element.tag)
    except SafeET.ParseError:
        return None
    except defusedxml.DefusedXmlException:
        raise CatalogError("the XML declares a document type or entities; refused for safety "
                           "(entity expansion, external entities)") from None
    return None


def _item(element) -> Item:
    item: Item = {}
    for child in element:
        name = field_name(child.tag)
        if len(child):       # nested groups (g:shipping, g:tax) are not product fields
            continue
        value = (child.text or "").strip()
        if name == "link" and not value:
            value = child.get("href", "").strip()     # Atom: <link href="..."/>
        if name == "summary":
            name = "description"
        if value and name not in item:
            item[name] = value
    return item


def _items(path: Path) -> Iterator[Tuple[int, Item]]:
    number = 0
    depth_root = None
    open_elements: List = []
    try:
        for event, element in SafeET.iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                open_elements.append(element)
                if depth_root is None:
                    depth_root = _local(element.tag)
                    if depth_root not in ROOTS:
                        raise CatalogError(f"not a Merchant feed: the root element is <{depth_root}>, "
                                           "expected <rss> or <feed>")
                continue
            open_elements.pop()
            if _local(element.tag) in ITEM_TAGS:
                number += 1
                yield number, _item(element)
                # Drop the item from the tree: memory stays bounded on big feeds.
                element.clear()
                if open_elements:
                    open_elements[-1].remove(element)
    except SafeET.ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        hint = ("; it may not be UTF-8 text (save it as UTF-8)" if "invalid token" in str(exc)
                else "; the file looks truncated or damaged")
        raise CatalogError(f"the XML is not well-formed ({exc}) after item {number}"
                           + (f", line {line}" if line else "") + hint) from None
    except defusedxml.DTDForbidden:
        raise CatalogError("the XML declares a document type (DTD); feeds must not, and entity "
                           "declarations are refused for safety") from None
    except defusedxml.EntitiesForbidden:
        raise CatalogError("the XML declares entities; refused for safety (entity expansion)") from None
    except defusedxml.ExternalReferenceForbidden:
        raise CatalogError("the XML refers to an external entity; refused for safety") from None
    except UnicodeDecodeError:
        raise CatalogError("the XML is not in the encoding it declares; save it as UTF-8") from None
    if depth_root is None:
        raise CatalogError("the file is empty")


def read(path: Path, report: ImportReport) -> Tuple[List[Product], Dict[str, str]]:
    report.unit = "item"
    return collect(_items(path), report)
