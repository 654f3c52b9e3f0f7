"""Griffe extension: show the package's Sphinx-style roles (:func:`x`) as code.

govreport's docstrings use reST roles such as ``:func:`read``` and
``:class:`~govreport.model.Report```. mkdocstrings renders Markdown, where a role
would show up as ``:func:`` followed by the code; this extension keeps just the code
(``read``, ``Report``) so the API pages read cleanly without touching the package.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|exc|obj|const):`~?([^`]+)`")


def _plain(match: re.Match[str]) -> str:
    target = match.group(1)
    # ``~a.b.C`` shows the last component only, as Sphinx does.
    if match.group(0).split("`", 1)[1].startswith("~"):
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


class SphinxRolesAsCode(griffe.Extension):
    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_plain, obj.docstring.value)
