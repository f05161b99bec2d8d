"""Parse an XML file from outside safely, keeping the line of every element.

defusedxml refuses entity declarations and external references, so a file can neither expand
into gigabytes nor make the parser fetch anything. Elements are built with ElementTree's
`TreeBuilder` from SAX events, because SAX knows the line of each element and ElementTree does not:
an error in the content can then be placed in the file as well as an error in the syntax.
Namespaces are not processed, so attributes keep their written names (`xml:lang`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, TreeBuilder
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

import defusedxml.sax
from defusedxml import DefusedXmlException

from features.errors import SSTCError


class XmlError(SSTCError):
    """A file that cannot be read: its name, the line, the element and why."""

    def __init__(self, file: str, line: int, element: str, reason: str) -> None:
        self.file, self.line, self.element, self.reason = file, line, element, reason
        super().__init__(f"{file}, line {line}, element <{element}>: {reason}")


@dataclass(frozen=True)
class XmlDocument:
    file: str
    root: Element
    lines: dict[Element, int]

    def line(self, element: Element) -> int:
        return self.lines.get(element, 0)

    def error(self, element: Element, reason: str) -> XmlError:
        return XmlError(self.file, self.line(element), element.tag, reason)


class _TreeWithLines(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.builder = TreeBuilder()
        self.lines: dict[Element, int] = {}
        self.open: list[str] = []
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def current_line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator else 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        element = self.builder.start(name, dict(attrs.items()))
        self.lines[element] = self.current_line()
        self.open.append(name)

    def endElement(self, name: str) -> None:
        self.builder.end(name)
        self.open.pop()

    def characters(self, content: str) -> None:
        self.builder.data(content)


def parse_xml(path: Path) -> XmlDocument:
    """The document, or an `XmlError` naming the file, line and innermost open element."""
    handler = _TreeWithLines()
    try:
        defusedxml.sax.parse(str(path), handler)
    except SAXParseException as exc:
        where = handler.open[-1] if handler.open else "document"
        raise XmlError(
            path.name, exc.getLineNumber() or 0, where, f"is not well-formed XML ({exc.getMessage()})"
        ) from exc
    except DefusedXmlException as exc:
        where = handler.open[-1] if handler.open else "!DOCTYPE"
        reason = f"is refused: entity declarations and external references are not read ({exc})"
        raise XmlError(path.name, handler.current_line(), where, reason) from exc
    return XmlDocument(path.name, handler.builder.close(), handler.lines)
