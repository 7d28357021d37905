"""Product descriptions arrive as HTML; the assistant only ever passes on plain
text. Scripts, styles and other non-content elements are dropped whole, tags and
their attributes (inline event handlers included) disappear, entities are decoded."""
from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import List

# Elements whose content is never text a customer should read.
DROPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
                     "math", "head", "title", "select", "textarea", "button"})
# Elements that separate blocks of text.
BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                    "section", "article", "header", "footer", "blockquote", "hr", "dt", "dd"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: one space between words, blocks as sentences."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    # An entity that encoded markup ("&lt;script&gt;") decodes to literal text; it
    # stays text, but angle brackets are not worth passing on at all.
    text = html.unescape(text).replace("<", " ").replace(">", " ")
    blocks = [" ".join(block.split()) for block in text.split("\n")]
    return " ".join(b for b in blocks if b)
