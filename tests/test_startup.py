"""``import govreport`` loads no public name's module until it is used (PEP 562)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import govreport

ROOT = Path(__file__).resolve().parents[1]


def test_import_govreport_loads_only_the_version() -> None:
    code = "import sys, govreport; print(sorted(m for m in sys.modules if m.startswith(('govreport', 'jsonschema', " \
           "'attr', 'typing', 'pdfplumber', 'docx', 'lxml'))))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['govreport', 'govreport.version']"


def test_every_public_name_resolves_to_the_object_of_its_module() -> None:
    for name in govreport.__all__:
        value = getattr(govreport, name)
        assert value is not None
        home = getattr(value, "__module__", None)
        if isinstance(home, str) and home.startswith("govreport"):  # classes and functions
            assert getattr(sys.modules[home], name) is value
    assert set(govreport.__all__) <= set(dir(govreport))


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        govreport.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("an unknown name resolved")
