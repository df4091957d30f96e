"""User text is text: the one escaping helper for every place user or file content reaches Markdown.

Streamlit renders ``st.markdown``/``st.caption``/``st.success``/``st.warning``/``st.error``/``st.info``/
``st.subheader`` and friends as GitHub-flavoured Markdown with Streamlit's extensions: ``:red[...]`` colour
directives, ``:material/icon:`` and emoji shortcodes, ``$...$`` LaTeX, images ``![x](url)`` (which make the
browser fetch the URL: a tracking pixel) and HTML entities (``&lt;b&gt;`` shows as ``<b>``). Names, titles,
notes, people, record text, file and zip-member names and error messages come from users and files, so:

- :func:`md` backslash-escapes (CommonMark section 2.4: escaped ASCII punctuation renders literally) every
  character that can open markup in inline text: ``\\ ` * [ ] < & $ ~``, ``_`` unless inside a word
  (CommonMark does not emphasise intraword ``_``), and a line-start ``# > - +`` or ``1.``. An escaped ``[``
  defeats images, links and Streamlit's ``:color[...]`` directives; ``$`` LaTeX; ``&`` entities; ``<``
  autolinks and HTML. Everything else (``GPT-5.4``, ``'quotes'``, ``a: b``) is left as typed, so the text
  reads the same in the source and on screen. Line breaks become spaces (one line of inline text);
- :func:`md_block` does the same, keeping line breaks;
- :func:`record_markdown` is for text people write *as* Markdown (a decision record): headings, emphasis,
  lists and tables stay, but images, links (inline, reference and autolinks), colour directives, LaTeX and
  entities are disabled by escaping their opening characters.
"""

from __future__ import annotations

import re

_INLINE_ACTIVE = re.compile(r"[\\`*\[\]<&$~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
#: In record Markdown: the characters that open an image/link (``!``, ``[``), an autolink or HTML (``<``),
#: an entity (``&``), LaTeX (``$``) or a Streamlit directive/shortcode (``:``).
_RECORD_ACTIVE = re.compile(r"([!\[\]<&$:\\])")


def _escape_line(line: str) -> str:
    line = _INLINE_ACTIVE.sub(lambda m: "\\" + m.group(), line)
    match = _LINE_START.match(line)
    if match is None:
        return line
    lead, opener = match.groups()
    if opener[0].isdigit():  # "1." / "1)" opens an ordered list: escape the delimiter after the digits
        end = match.end()
        return line[:end] + "\\" + line[end:]
    return f"{lead}\\{line[len(lead):]}"


def md(value: object, limit: int | None = None) -> str:
    """``value`` as literal inline Markdown text (at most ``limit`` characters, then an ellipsis)."""
    text = _LINE_BREAKS.sub(" ", str(value)).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return _escape_line(text)


def md_block(value: object) -> str:
    """Multi-line ``value`` as literal Markdown text: each line escaped, line breaks kept (two-space breaks)."""
    return "  \n".join(_escape_line(line) for line in str(value).splitlines())


def record_markdown(value: str) -> str:
    """Markdown a person wrote, rendered without images, links, directives, LaTeX or entities."""
    return _RECORD_ACTIVE.sub(r"\\\1", value)


__all__ = ["md", "md_block", "record_markdown"]
