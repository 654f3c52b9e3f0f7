"""Finding a report's structure in a document: sections, metadata, tables 2–4.

``parse_document(document)`` turns the neutral :class:`~govreport.readers.Document`
of any source format into a report instance, a source map (JSON Pointer → where the
value was read and the raw text found there) and the findings reading produced.
Partial documents give partial instances: what is there is extracted, what is missing
is a finding — nothing is invented.
"""

from __future__ import annotations

import os
from typing import Any

from govreport.extract import meta, repeats
from govreport.extract.assemble import (
    Builder,
    find_regions,
    read_table2,
    read_table3,
    read_table4,
)
from govreport.extract.ocr import check_digits
from govreport.extract.stream import Stream
from govreport.location import Provenance
from govreport.messages import Text
from govreport.reading import Reading
from govreport.sources import read_document
from govreport.sources.document import Document
from govreport.sources.errors import ReadError
from govreport.sources.limits import Limits

__all__ = ["parse_document", "read_report"]

def parse_document(document: Document, *, limits: Limits | None = None) -> Reading:
    """The report instance found in ``document`` (see the module docstring).

    ``limits.digit_splits`` bounds the search for splits of run-together digits over
    the whole document (rows past it are left blank with READ-AMBIGUOUS).
    """
    limits = limits or Limits()
    stream = Stream(document)
    sections = meta.find_sections(stream)
    regions = find_regions(stream, {k: v[0] for k, v in sections.items()})
    builder = Builder(stream, limits.digit_splits)
    first_table = min((s for s, _ in regions.spans()), default=len(stream.text))
    info = meta.metadata(stream, first_table, max((a for a, _ in sections.values()), default=None))
    found_year = info.get("year")
    year = found_year if isinstance(found_year, int) else None

    shown = document.name or "<bytes>"
    if not _looks_like_report(stream, regions, sections):
        raise ReadError(shown, "not-a-report",
                        detail=("找不到年度报告的表格或章节标题", "neither the report's tables nor its section headings were found"))
    second = repeats.second_report(stream, regions.requests)
    if second is not None:
        heading = stream.text[second:second + 40].split("\n")[0].strip()
        raise ReadError(shown, "several-reports", location=stream.location(second),
                        detail=(f"第二份从此处开始（“{heading}”）", f"a second one starts here (“{heading}”)"))
    if regions.requests is not None:
        again = repeats.repeated_table(stream, regions.requests)
        if again is not None:
            regions.requests = (regions.requests[0], again)
            where = stream.location(again)
            builder.observe("READ-REPEATED", "/requests",
                            {"where": Text(where.describe("zh") or "?", where.describe("en") or "?")}, location=where)

    edition = None
    if regions.active_disclosure is not None:
        edition = read_table2(builder, stream.events(*regions.active_disclosure), year)
    else:
        builder.observe("READ-MISSING", "/active_disclosure", {})
    shape = None
    if regions.requests is not None:
        shape = read_table3(builder, stream.events(*regions.requests), year)
    else:
        builder.observe("READ-MISSING", "/requests", {})
    if regions.reviews is not None:
        read_table4(builder, stream.events(*regions.reviews))
    else:
        builder.observe("READ-MISSING", "/reviews", {})

    _pictured_tables(builder, document, stream, sections)

    if edition is None:
        if shape == "split":
            edition = "2021"
        elif year is not None:
            edition = "2019" if year <= 2020 else "2021"
        else:
            edition = "2021"
    builder.edition = edition

    report: dict[str, Any] = {}
    for key in ("agency", "year", "title", "published_on"):
        if key in info:
            report[key] = info[key]
    # The file name only: an instance must not depend on the directory it was read from.
    report["source"] = {"uri": os.path.basename(document.name) if document.name else "",
                        "sha256": document.sha256, "media_type": document.media_type}
    if "year" not in report:
        builder.observe("READ-MISSING", "/report/year", {})
    texts = meta.section_texts(stream, sections, regions.spans())
    tables_read = bool(_row_labels(stream, regions)) or any(k in builder.instance for k in ("requests", "reviews"))
    if repeats.outline_only(tables_read, {k: v[0] for k, v in texts.items()}):
        raise ReadError(shown, "not-a-report", detail=(
            "只有各部分的标题，标题下几乎没有内容，也没有表格（像是通知、提纲或目录）",
            "it lists the section headings but has no tables and next to nothing under them (a notice, an outline or a table of contents?)"))
    for name, (start, end) in sections.items():
        anchors = texts[name][1] if name in texts else ()
        builder.sources[f"/sections/{name}"] = Provenance(location=stream.location(start),
                                                          raw=stream.raw_text(start, end), anchors=anchors)
    if meta.PREAMBLE in texts:
        text, anchors = texts[meta.PREAMBLE]
        builder.sources[f"/sections/{meta.PREAMBLE}"] = Provenance(location=anchors[0][1] if anchors else
                                                                   stream.location(0), anchors=anchors)

    instance: dict[str, Any] = {"edition": edition, "report": report}
    # Every heading found is a section, even with no narrative of its own (validation
    # reports the missing ones, DOC-SECTIONS, from the instance alone).
    instance["sections"] = {k: texts[k][0] if k in texts else "" for k in meta.SECTIONS if k in sections}
    if meta.PREAMBLE in texts:
        instance["sections"] = {meta.PREAMBLE: texts[meta.PREAMBLE][0], **instance["sections"]}
    for key in ("active_disclosure", "requests", "reviews"):
        if key in builder.instance:
            instance[key] = _ordered(builder.instance[key], key, edition, shape)
    # Digits read by OCR are checked (and, when unique, repaired) by the relations.
    builder.observations.extend(check_digits(instance, builder.sources, document, edition, shape or "split"))
    return Reading(name=document.name, media_type=document.media_type, instance=instance,
                   source_map=builder.sources, observations=tuple(builder.observations))


def _pictured_tables(builder: Builder, document: Document, stream: Stream,
                     sections: dict[str, tuple[int, int]]) -> None:
    """A table that was not read, in a section holding a picture: say it may be the picture.

    The table's READ-MISSING findings (the table's and its rows') become one, saying
    so; a picture elsewhere changes nothing.
    """
    if not document.images:
        return
    order = sorted((start, name) for name, (start, _) in sections.items())
    # A picture stands just before block i: place it at the end of the text before that
    # block, so one at the end of a section belongs to that section.
    offsets = [max(0, stream.line_starts[stream.block_lines[i]] - 1) if i < len(stream.block_lines)
               and stream.block_lines[i] < len(stream.line_starts) else len(stream.text) for i in document.images]
    pictured: dict[str, int] = {}
    for k, (start, name) in enumerate(order):
        end = order[k + 1][0] if k + 1 < len(order) else len(stream.text) + 1
        count = sum(1 for at in offsets if start <= at < end)
        if count:
            pictured[name] = count
    missing = {t for t in ("active_disclosure", "requests", "reviews") if t in pictured and t not in builder.instance}
    if not missing:
        return
    kept = []
    for seen in builder.observations:
        table = seen.pointer.split("/")[1] if seen.pointer.startswith("/") else ""
        if seen.rule == "READ-MISSING" and table in missing:
            continue
        kept.append(seen)
    builder.observations[:] = kept
    for table in sorted(missing, key=lambda t: sections[t][0]):
        builder.observe("READ-MISSING", f"/{table}", {"count": pictured[table]}, template="READ-MISSING:image",
                        location=stream.location(sections[table][0]))


def _looks_like_report(stream: Stream, regions: Any, sections: dict[str, Any]) -> bool:
    """Enough of the official structure to call the document a report.

    A partial report (tables missing, or narrative only) is still a report and gives a
    partial instance; a document that merely mentions a label or two is not.
    """
    return len(_row_labels(stream, regions)) >= 5 or len(sections) >= 3


def _row_labels(stream: Stream, regions: Any) -> set[str]:
    """The row labels of tables 2 and 3 found in their regions."""
    rows: set[str] = set()
    for span in (regions.active_disclosure, regions.requests):
        if span is not None:
            rows.update(e.label.key for e in stream.labels(*span) if e.label is not None and e.label.kind == "row")
    return rows


def _ordered(node: dict[str, Any], table: str, edition: str, shape: Any) -> dict[str, Any]:
    """The table with keys in schema order (instances read like the official table)."""
    from govreport.contract import tables

    tree = tables.tree(edition, shape or "split")

    def walk(value: Any, ptr: str) -> Any:
        if not isinstance(value, dict):
            return value
        spec = tree.get(ptr)
        order = list(spec.children) if spec is not None else []
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        return {k: walk(value[k], f"{ptr}/{k}") for k in keys}

    result: dict[str, Any] = walk(node, "/" + table)
    return result


def read_report(data: bytes, *, name: str) -> Reading:
    """Read a document's bytes (text, Markdown, HTML, DOCX, PDF) into a :class:`Reading`."""
    document = read_document(data, name=name)
    reading = parse_document(document)
    return Reading(name=name, media_type=reading.media_type, instance=reading.instance,
                   source_map=reading.source_map, observations=reading.observations)
