"""The one localisation mechanism: texts in Chinese and English, templates with named arguments.

Every message govreport shows — a finding, a reading error, a label in a writer — is a
:class:`Text` template rendered with ``{name}`` arguments in ``"zh"`` (the default) or
``"en"``. Arguments are kept apart from templates so the same finding or error can be
shown again in the other language; an argument may itself be a :class:`Text` (a list
separator, a type name) and is rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import define

__all__ = ["LANGS", "Text", "check_lang", "localised", "render"]

#: The languages of every message; the first is the default.
LANGS = ("zh", "en")


@define(frozen=True, slots=True)
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def check_lang(lang: str) -> str:
    """``lang`` if it is a supported language, else a ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, not {lang!r}")
    return lang


def localised(value: Any, lang: str) -> Any:
    """An argument in ``lang``: a :class:`Text` is rendered, anything else is kept."""
    if isinstance(value, Text):
        return value.get(lang)
    return value


def render(template: Text, args: Mapping[str, Any], lang: str) -> str:
    """``template`` in ``lang`` with its ``{name}`` placeholders filled from ``args``."""
    return template.get(lang).format(**{k: localised(v, lang) for k, v in args.items()})
