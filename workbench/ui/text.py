"""User text is text: the one escaping helper for every place user or file content reaches Markdown.

Streamlit renders ``st.markdown``/``st.caption``/``st.success``/``st.warning``/``st.error``/``st.info``/
``st.subheader`` and friends as GitHub-flavoured Markdown with Streamlit's extensions: ``:red[...]`` colour
directives, ``:material/icon:`` and emoji shortcodes, ``$...$`` LaTeX, images ``![x](url)`` (which make the
browser fetch the URL: a tracking pixel) and HTML entities (``&lt;b&gt;`` shows as ``<b>``). Names, titles,
notes, people, record text, file and zip-member names and error messages come from users and files, so:

- :func:`md` escapes every ASCII punctuation character with a backslash (CommonMark section 2.4: any ASCII
  punctuation may be backslash-escaped and then renders literally), so nothing in it is markup, a directive,
  LaTeX, an entity or a link; line breaks become spaces (one line of inline text);
- :func:`md_block` does the same, keeping line breaks;
- :func:`record_markdown` is for text people write *as* Markdown (a decision record): headings, emphasis,
  lists and tables stay, but images, links (inline, reference and autolinks), colour directives, LaTeX and
  entities are disabled by escaping their opening characters.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character (CommonMark 2.1)
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
#: In record Markdown: the characters that open an image/link (``!``, ``[``), an autolink or HTML (``<``),
#: an entity (``&``), LaTeX (``$``) or a Streamlit directive/shortcode (``:``).
_RECORD_ACTIVE = re.compile(r"([!\[\]<&$:\\])")


def md(value: object, limit: int | None = None) -> str:
    """``value`` as literal inline Markdown text (at most ``limit`` characters, then an ellipsis)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return _PUNCTUATION.sub(r"\\\1", text)


def md_block(value: object) -> str:
    """Multi-line ``value`` as literal Markdown text: each line escaped, line breaks kept (two-space breaks)."""
    return "  \n".join(_PUNCTUATION.sub(r"\\\1", line) for line in str(value).splitlines())


def record_markdown(value: str) -> str:
    """Markdown a person wrote, rendered without images, links, directives, LaTeX or entities."""
    return _RECORD_ACTIVE.sub(r"\\\1", value)


__all__ = ["md", "md_block", "record_markdown"]
