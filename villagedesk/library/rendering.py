"""An article's text as HTML: plain text in, escaped paragraphs out.

A blank line starts a paragraph, a line starting with "- " is a list item, a line starting with
"## " a heading; everything else is text. Every piece of the user's text is escaped, so no markup
a user types ever reaches the page as markup.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """The text as blocks: ("h", [line]), ("ul", items) or ("p", lines)."""
    result: list[tuple[str, list[str]]] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            result.append(("", []))
        elif line.startswith("## "):
            result.append(("h", [line[3:].strip()]))
        elif line.startswith("- "):
            if result and result[-1][0] == "ul":
                result[-1][1].append(line[2:].strip())
            else:
                result.append(("ul", [line[2:].strip()]))
        elif result and result[-1][0] == "p":
            result[-1][1].append(line)
        else:
            result.append(("p", [line]))
    return [(kind, lines) for kind, lines in result if kind]


def article_html(text: str) -> SafeString:
    parts = []
    for kind, lines in blocks(text):
        if kind == "h":
            parts.append(format_html("<h2>{}</h2>", lines[0]))
        elif kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((item,) for item in lines))
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            parts.append(format_html("<p>{}</p>", " ".join(lines)))
    return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html
