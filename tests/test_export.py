"""govreport export: the cells, findings and reports tables as their users open them.

Row counts come from walking the schema files directly (not govreport.contract.tables),
values from the hand-checked golden instances and the seed JSON read with json, and the
files are opened with pandas, openpyxl, pyarrow and DuckDB.
"""

from __future__ import annotations

import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govreport import api
from govreport.cli import commands as cli
from govreport.contract import catalogue
from govreport.writers import export
from govreport.writers import json as json_writer

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
openpyxl = pytest.importorskip("openpyxl")
duckdb = pytest.importorskip("duckdb")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SEED_TXT = ROOT / "examples" / "chaotian-2021.txt"
SEED_JSON = ROOT / "examples" / "chaotian-2021.json"
FILES = TESTS / "corpus" / "files"
GOLDEN = TESTS / "corpus" / "golden"
BOM = b"\xef\xbb\xbf"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


# -- the expected cells, from the schema file itself ------------------------------------


def _schema_cells(edition: str, shape: str) -> list[str]:
    """Every cell pointer of the edition's schema, by walking the JSON Schema file:
    a cell is a property whose ``$ref`` is one of the number definitions; （六） is a
    ``oneOf`` whose single-row branch has a ``total`` property."""
    schema = _load(ROOT / "schema" / edition / "report.schema.json")
    defs = schema["$defs"]
    numbers = {"#/$defs/count", "#/$defs/signed_count", "#/$defs/amount"}
    out: list[str] = []

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node and node["$ref"] not in numbers:
            node = defs[node["$ref"].split("/")[-1]]
        return node

    def walk(path: str, node: dict[str, Any]) -> None:
        if node.get("$ref") in numbers:
            out.append(path)
            return
        node = deref(node)
        if "oneOf" in node:
            branches = [deref(b) for b in node["oneOf"]]
            single = [b for b in branches if "total" in b.get("properties", {})]
            split = [b for b in branches if "total" not in b.get("properties", {})]
            node = (single if shape == "row" else split)[0]
        for key, child in node.get("properties", {}).items():
            walk(f"{path}/{key}", child)

    for table in ("active_disclosure", "requests", "reviews"):
        walk(f"/{table}", schema["properties"][table])
    return out


def _at(instance: Any, ptr: str) -> Any:
    node = instance
    for key in ptr.strip("/").split("/"):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def test_the_independent_walk_counts_the_cells_people_count() -> None:
    # Hand count: 2021 table 2 has 3+3+1+1+1+1 = 10 cells; table 3 has 7 columns × 25 rows
    # (一, 二, （一）（二）, （三）×8, （四）×3, （五）×5, （六）×3 split, （七）, 四); table 4 3 × 5.
    assert len(_schema_cells("2021", "split")) == 10 + 7 * 25 + 15
    # 2019 table 2: 规章 3, 规范性文件 3, four rows of 3 (许可, 其他服务, 处罚, 强制), 收费 2, 采购 2.
    assert len(_schema_cells("2019", "split")) == (3 + 3 + 3 + 3 + 3 + 3 + 2 + 2) + 7 * 25 + 15
    assert len(_schema_cells("2021", "row")) == 10 + 7 * 23 + 15


# -- rows -----------------------------------------------------------------------------


def _entry(path: Path) -> export.Entry:
    reading = api.read(path)
    return export.Entry(file=path.name, reading=reading, result=api.check_reading(reading))


def test_cells_of_the_seed_are_the_schema_cells_with_the_seed_values() -> None:
    seed = _load(SEED_JSON)
    rows = export.tables_of([_entry(SEED_TXT)]).cells
    # The seed is a hybrid: a 2021 report with a single-row （六）.
    assert [r["pointer"] for r in rows] == _schema_cells("2021", "row")
    for r in rows:
        assert r["value"] == _at(seed, r["pointer"]), r["pointer"]
        assert r["status"] == "number"
        assert r["raw"] == str(r["value"])  # the text of the cell in the seed
    by_ptr = {r["pointer"]: r for r in rows}
    row = by_ptr["/requests/outcomes/withheld/state_secret/commercial"]
    assert (row["table"], row["row_label"], row["column_label"]) == (
        "表三", "三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密", "法人或其他组织 › 商业企业")
    assert by_ptr["/requests/received/total"]["loc_line"] == 80  # 一、本年新收 is line 73; its 7th value
    assert by_ptr["/reviews/litigation_direct/upheld"]["column_label"] == "结果维持"


@pytest.mark.parametrize("name", ["pingtan-2021", "hongze-2023", "shanghai-office-2019", "pingtan-2020"])
def test_cells_of_golden_instances_hold_their_exact_values(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    golden = _load(path)
    rows = export.tables_of([_entry(path)]).cells
    shape = "split" if "overdue_fee" in golden["requests"]["outcomes"]["other_handling"] else "row"
    assert [r["pointer"] for r in rows if r["in_schema"]] == _schema_cells(golden["edition"], shape)
    for r in rows:
        expected = _at(golden, r["pointer"])
        assert r["value"] == expected and type(r["value"]) is type(expected) or expected is None, r["pointer"]
        assert (r["status"] == "blank") == (expected is None)


def test_amounts_stay_decimal_and_keep_their_unit() -> None:
    rows = {r["pointer"]: r for r in export.tables_of([_entry(GOLDEN / "pingtan-2021.json")]).cells}
    fees = rows["/active_disclosure/fees/amount"]
    assert fees["value"] == Decimal("24252.311082") and isinstance(fees["value"], Decimal)
    assert fees["unit"] == "万元"
    rows19 = {r["pointer"]: r for r in export.tables_of([_entry(GOLDEN / "shanghai-office-2019.json")]).cells}
    assert (rows19["/active_disclosure/procurement/amount"]["value"], rows19["/active_disclosure/procurement/amount"]["unit"]) == (251000, "元")


def test_one_key_names_corresponding_cells_of_both_editions() -> None:
    keys = {ed: {export.key_of(ed, p): p for p in _schema_cells(ed, "split")} for ed in ("2019", "2021")}
    for ed in keys:  # a key names one cell of an edition
        assert len(keys[ed]) == len(_schema_cells(ed, "split"))
    assert keys["2019"]["active_disclosure.regulations.issued"] == "/active_disclosure/regulations/made"
    assert keys["2021"]["active_disclosure.regulations.issued"] == "/active_disclosure/regulations/issued"
    # 对外公开总数量 is not 现行有效件数: no shared key.
    assert "active_disclosure.regulations.in_force" not in keys["2019"]
    assert "active_disclosure.regulations.published_total" not in keys["2021"]
    t34 = {ed: {k for k, p in keys[ed].items() if not p.startswith("/active_disclosure")} for ed in keys}
    assert t34["2019"] == t34["2021"] and len(t34["2019"]) == 7 * 25 + 15
    shared = set(keys["2019"]) & set(keys["2021"])
    assert {k for k in shared if k.startswith("active_disclosure")} == {
        "active_disclosure.regulations.issued", "active_disclosure.normative_documents.issued",
        "active_disclosure.licensing.decisions", "active_disclosure.penalties.decisions",
        "active_disclosure.coercion.decisions",
    }


def test_what_is_not_a_number_is_invalid_never_a_number(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["commercial"] = "3件"
    seed_instance["requests"]["received"]["research"] = True
    seed_instance["requests"]["received"]["public_interest"] = 10**40
    seed_instance["requests"]["received"]["legal_services"] = None
    del seed_instance["requests"]["received"]["other_org"]
    seed_instance["active_disclosure"]["procurement"] = {"items": 3}  # a 2019 row in a 2021 report
    rows = {r["pointer"]: r for r in export.cell_rows("x.json", seed_instance)}
    got = {k.rsplit("/", 1)[1]: (rows[k]["status"], rows[k]["value"], rows[k]["raw"])
           for k in rows if k.startswith("/requests/received/")}
    assert got["commercial"] == ("invalid", None, '"3件"')
    assert got["research"] == ("invalid", None, "true")
    assert got["public_interest"] == ("invalid", None, "1" + "0" * 40)
    assert got["legal_services"] == ("blank", None, None)
    assert got["other_org"] == ("blank", None, None)
    extra = rows["/active_disclosure/procurement/items"]
    assert (extra["in_schema"], extra["value"], extra["status"], extra["table"]) == (False, 3, "number", "表二")


# -- files ----------------------------------------------------------------------------

CORPUS = ["hongze-2023.pdf", "pingtan-2020.txt", "shanghai-office-2019.html", "shanghai-stc-2024.md"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seed, four corpus files, a junk file and a missing path, as the CLI is given them."""
    d = tmp_path_factory.mktemp("batch")
    junk = d / "junk.pdf"
    junk.write_bytes(b"\x00\x01\x02 not a pdf")
    files = [str(SEED_TXT)] + [str(FILES / f) for f in CORPUS] + [str(junk), str(d / "missing.txt")]
    expected_cells = len(_schema_cells("2021", "row"))
    for f in CORPUS:
        golden = _load(GOLDEN / f"{Path(f).stem}.json")
        split = "overdue_fee" in golden["requests"]["outcomes"]["other_handling"]
        expected_cells += len(_schema_cells(golden["edition"], "split" if split else "row"))
    findings = sum(len(api.check(f).findings) for f in files[:-2])
    return {"dir": d, "files": files, "cells": expected_cells, "findings": findings}


def _run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(args, out=out), out.getvalue()


@pytest.mark.parametrize("to", ["csv", "jsonl", "parquet", "xlsx"])
def test_export_writes_every_table_and_reports_unusable_files(batch: dict[str, Any], to: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = batch["dir"] / (f"out.{to}" if to == "xlsx" else f"out-{to}")
    code, summary = _run(["export", *batch["files"], "--to", to, "-o", str(out)])
    assert code == 2  # two files were unusable; everything else is written
    err = capsys.readouterr().err
    assert "junk.pdf" in err and "missing.txt" in err
    assert f"7个文件，{batch['cells']}个单元格，{batch['findings']}条发现" in summary
    if to == "csv":
        for name in ("cells", "findings", "reports"):
            assert (out / f"{name}.csv").read_bytes().startswith(BOM)
        cells = pd.read_csv(out / "cells.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        findings = pd.read_csv(out / "findings.csv", encoding="utf-8-sig")
        reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    elif to == "jsonl":
        cells = pd.read_json(out / "cells.jsonl", lines=True, dtype=False)
        findings = pd.read_json(out / "findings.jsonl", lines=True)
        reports = pd.read_json(out / "reports.jsonl", lines=True, dtype=False)
    elif to == "parquet":
        cells = pq.read_table(out / "cells.parquet").to_pandas()
        findings = pq.read_table(out / "findings.parquet").to_pandas()
        reports = pq.read_table(out / "reports.parquet").to_pandas()
    else:
        book = openpyxl.load_workbook(out, read_only=True)
        assert book.sheetnames == ["单元格", "发现", "报告"]
        cells = pd.read_excel(out, sheet_name="单元格", dtype=str, keep_default_na=False)
        findings = pd.read_excel(out, sheet_name="发现")
        reports = pd.read_excel(out, sheet_name="报告", dtype=str, keep_default_na=False)
    assert list(cells.columns) == list(export.CELL_COLUMNS)
    assert list(findings.columns) == list(export.FINDING_COLUMNS)
    assert len(cells) == batch["cells"]
    assert len(findings) == batch["findings"]
    assert len(reports) == 7
    unusable = dict(zip(reports["file"].map(lambda f: Path(f).name), reports["unusable"]))
    assert unusable["junk.pdf"] in ("binary", "corrupt") and unusable["missing.txt"] == "not-found"
    assert all(pd.isna(unusable[Path(f).name]) or unusable[Path(f).name] == "" for f in batch["files"][:-2])
    # A number from the page itself: shanghai-office-2019.html 规章 对外公开总数量 is 524.
    cell = cells[(cells["file"].str.endswith("shanghai-office-2019.html"))
                 & (cells["pointer"] == "/active_disclosure/regulations/published_total")]
    assert [Decimal(str(v)) for v in cell["value"]] == [524]
    assert set(cell["agency"]) == {"上海市人民政府办公厅"}


def test_parquet_keeps_decimals_as_decimals(tmp_path: Path) -> None:
    path = GOLDEN / "pingtan-2021.json"
    instance = _load(path)
    instance["active_disclosure"]["fees"]["amount"] = Decimal("123456789012345.123456")  # a double rounds this
    t = export.tables_of([export.Entry(file="a.json", reading=instance, result=api.check_reading(api.read(path)))])
    export.write(t, "parquet", str(tmp_path))
    table = pq.read_table(tmp_path / "cells.parquet")
    assert pa.types.is_decimal(table.schema.field("value").type)
    values = dict(zip(table.column("pointer").to_pylist(), table.column("value").to_pylist()))
    assert values["/active_disclosure/fees/amount"] == Decimal("123456789012345.123456")
    assert values["/requests/received/total"] == _load(path)["requests"]["received"]["total"]
    # The same amount in the other formats: exact digits, never a rounded float.
    export.write(t, "csv", str(tmp_path))
    export.write(t, "jsonl", str(tmp_path))
    export.write(t, "xlsx", str(tmp_path / "a.xlsx"))
    assert ",123456789012345.123456," in (tmp_path / "cells.csv").read_text(encoding="utf-8-sig")
    rows = [json.loads(line) for line in (tmp_path / "cells.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["value"] for r in rows if r["key"] == "active_disclosure.fees.amount"] == ["123456789012345.123456"]
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)["单元格"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    shown = [r[header.index("value")] for r in sheet.iter_rows(min_row=2, values_only=True)
             if r[header.index("key")] == "active_disclosure.fees.amount"]
    assert shown == ["123456789012345.123456"]


def test_english_sheet_names_and_messages(tmp_path: Path) -> None:
    code, _ = _run(["export", str(SEED_TXT), "--to", "xlsx", "-o", str(tmp_path / "s.xlsx"), "--lang", "en"])
    assert code == 0
    book = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)
    assert book.sheetnames == ["cells", "findings", "reports"]
    messages = [r[6] for r in book["findings"].iter_rows(min_row=2, values_only=True)]
    expected = [catalogue.localise(f, "en").message for f in api.check(SEED_TXT).findings]
    assert messages == expected and messages


def test_duckdb_query_of_the_docs(tmp_path: Path) -> None:
    """The query on docs/export.md, run over the export of the files it names, prints
    what the page shows."""
    page = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    command = page.split("<!-- export-command -->")[1].split("```")[1].strip().split("\n", 1)[1]
    sql = page.split("<!-- duckdb-query -->")[1].split("```sql")[1].split("```")[0].strip()
    shown = page.split("<!-- duckdb-output -->")[1].split("```text")[1].split("```")[0].strip()
    args = command.replace("\\\n", " ").split()[1:]
    assert args[0] == "export"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code, _ = _run([a if a != "out" else str(tmp_path / "out") for a in args])
    finally:
        os.chdir(cwd)
    assert code == 0
    con = duckdb.connect()
    con.execute(f"SET file_search_path = '{tmp_path}'")
    rows = con.execute(sql).fetchall()
    printed = "\n".join(" | ".join("" if v is None else str(v) for v in row) for row in rows)
    assert printed == shown
    # The figures shown are the tables' own: 一、本年新收 总计 of each report.
    for file, year, total in rows:
        assert total == _load(GOLDEN / f"{Path(file).stem}.json")["requests"]["received"]["total"]


def test_a_missing_extra_names_the_extra_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    code, _ = _run(["export", str(SEED_TXT), "--to", "parquet", "-o", str(tmp_path / "p")])
    assert code == 2
    assert "pip install 'govreport[parquet]'" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code, _ = _run(["export", str(SEED_TXT), "--to", "xlsx", "-o", str(tmp_path / "p.xlsx"), "--lang", "en"])
    assert code == 2
    assert "writing Excel files needs the optional extra: pip install 'govreport[xlsx]'" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(["export", str(SEED_TXT), "--to", "xlsx", "-o", str(tmp_path / "no" / "such" / "a.xlsx")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("无法写入: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1


# -- JSON -----------------------------------------------------------------------------


def test_json_writes_instances_results_and_readings() -> None:
    reading = api.read(GOLDEN / "pingtan-2021.json")
    result = api.check_reading(reading)
    back = json.loads(json_writer.dumps(reading.instance), parse_float=Decimal)
    assert back == _load(GOLDEN / "pingtan-2021.json")
    with pytest.raises(TypeError):
        json.dumps(reading.instance)  # why the helper exists
    as_json = json.loads(json_writer.dumps(result))
    assert as_json["counts"] == result.counts() and len(as_json["findings"]) == len(result.findings)
    doc = json.loads(json_writer.dumps(api.read(SEED_TXT)))
    assert doc["instance"]["requests"]["received"]["total"] == 9
    assert doc["source_map"]["/requests/received/total"]["location"] == {"line": 80, "column": 1}
    assert json_writer.jsonable({"a": (Decimal("0.1"), Decimal("7730.28"))}) == {"a": [0.1, 7730.28]}


@pytest.mark.parametrize(("value", "written"), [
    (Decimal("24252.311082"), "24252.311082"),
    (Decimal("5"), "5"),
    (Decimal("12345678901234567.5"), '"12345678901234567.5"'),  # a double would round it
    (Decimal("1E+100000"), '"1E+100000"'),
    (Decimal("NaN"), '"NaN"'),
])
def test_json_never_writes_a_different_number(value: Decimal, written: str) -> None:
    assert json_writer.dumps(value) == written


# -- any instance -------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from govreport.contract import tables as contract_tables  # noqa: E402
from govreport.validation import Validator  # noqa: E402
from tests.test_never_crash import json_values  # noqa: E402

_POINTERS = [c.pointer for c in contract_tables.cells("2021", "split")]


def _put(instance: dict[str, Any], ptr: str, value: Any) -> None:
    node = instance
    *parents, last = ptr.strip("/").split("/")
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[last] = value


@settings(max_examples=12)
@given(st.lists(st.tuples(st.sampled_from(_POINTERS + ["/report/year", "/report/agency", "/requests/x/y"]),
                          json_values), min_size=1, max_size=4))
def test_any_instance_exports_in_every_format(tmp_path_factory: pytest.TempPathFactory,
                                              changes: list[tuple[str, Any]]) -> None:
    instance = _load(SEED_JSON)
    for ptr, value in changes:
        _put(instance, ptr, value)
    t = export.tables_of([export.Entry(file="any.json", reading=instance, result=Validator().run(instance))])
    for r in t.cells:
        assert r["status"] in ("number", "blank", "undetermined", "invalid")
        assert (r["value"] is not None) == (r["status"] == "number")
    d = tmp_path_factory.mktemp("any")
    for to in ("csv", "jsonl"):
        export.write(t, to, str(d / to))
    export.write(t, "xlsx", str(d / "a.xlsx"))
    try:
        export.write(t, "parquet", str(d / "parquet"))
    except export.ExportError as error:
        # Only when no one decimal128(38, s) column holds every value exactly.
        assert "超过 decimal128 的38位" in str(error)


def test_text_in_a_workbook_stays_text(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    seed_instance["report"]["agency"] = "=HYPERLINK(\"x\")\x01"
    seed_instance["requests"]["received"]["commercial"] = "=1+1"
    t = export.tables_of([export.Entry(file="=a.json", reading=seed_instance)])
    export.write(t, "xlsx", str(tmp_path / "a.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["单元格"]
    assert sheet["A2"].value == "=a.json" and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == "=HYPERLINK(\"x\")\ufffd" and sheet["C2"].data_type == "s"


def test_values_no_decimal128_column_holds_are_refused_not_rounded(tmp_path: Path,
                                                                   seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["natural_person"] = 10**30  # 31 digits before the point
    seed_instance["active_disclosure"]["fees"]["amount"] = Decimal("0." + "1" * 20)  # 20 after it
    t = export.tables_of([export.Entry(file="wide.json", reading=seed_instance)])
    with pytest.raises(export.ExportError) as caught:
        export.write(t, "parquet", str(tmp_path / "p"))
    assert caught.value.one_line("en").endswith("the values need 51 digits, more than decimal128 holds (38);"
                                                " use --to csv or jsonl")
    export.write(t, "csv", str(tmp_path / "c"))
    text = (tmp_path / "c" / "cells.csv").read_text(encoding="utf-8-sig")
    assert ",1" + "0" * 30 + ",number," in text and ",0." + "1" * 20 + ",number," in text
