"""The HTML report (``govreport check --format html``): the page's structure, checked by
parsing it, and its behaviour, checked in a real headless browser.

The browser tests drive Debian's ``chromium`` through ``chromium-driver`` with selenium;
nothing is downloaded (the driver path is given, so Selenium Manager is never run, and
``SE_OFFLINE`` keeps it offline anyway). Without the browser they are skipped, except
under ``GOVREPORT_REQUIRE_BROWSER=1`` (set by .ci/run), where they fail. Screenshots of
the seed's page and of an index go to ``tests/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from govreport import Reading, api
from govreport.cli import main
from govreport.findings import Result
from govreport.writers import report_html
from govreport.writers.json import dumps
from tests.browser import chromium
from tests.conftest import CORPUS, EXAMPLES, TESTS

try:
    from selenium import webdriver
    from selenium.webdriver import ActionChains
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - depends on the test extra
    webdriver = None

SEED_TXT = EXAMPLES / "chaotian-2021.txt"
SEED_JSON = EXAMPLES / "chaotian-2021.json"
SCREENSHOTS = TESTS / "screenshots"
GRANTED_TOTAL = "/requests/outcomes/granted/total"
OUTCOMES_TOTAL = "/requests/outcomes/total/total"
TABLES = ("active_disclosure", "requests", "reviews")


# -- a small DOM from the standard library's parser (independent of the writer) --------


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[_Node] = []
        self.text_parts: list[str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(self.text_parts) + "".join(c.text() for c in self.children)

    def own_text(self) -> str:
        """Text outside the popover (what the cell shows)."""
        return "".join(self.text_parts) + "".join(c.own_text() for c in self.children if "pop" not in c.classes)

    def walk(self) -> Iterator[_Node]:
        yield self
        for c in self.children:
            yield from c.walk()


class _Dom(HTMLParser):
    VOID = {"meta", "br", "img", "link", "input", "hr"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.current = self.root
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text_parts.append(data)

    def all(self, tag: str) -> list[_Node]:
        return [n for n in self.root.walk() if n.tag == tag]

    def by_pointer(self, tag: str = "td") -> dict[str, _Node]:
        out: dict[str, _Node] = {}
        for n in self.all(tag):
            if "data-pointer" in n.attrs:
                assert n.attrs["data-pointer"] not in out, f"two elements for {n.attrs['data-pointer']}"
                out[n.attrs["data-pointer"]] = n
        return out


def _leaves(value: Any, ptr: str) -> dict[str, Any]:
    """Every cell of a table part of an instance: the numbers and nulls, by pointer."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, f"{ptr}/{key}"))
        return out
    return {ptr: value}


def _seed() -> dict[str, Any]:
    return copy.deepcopy(api.read(SEED_JSON).instance)


def _faulty() -> dict[str, Any]:
    """The seed with one planted fault: （一）予以公开 总计 7 where its row sums to 6."""
    instance = _seed()
    assert instance["requests"]["outcomes"]["granted"]["total"] == 6
    instance["requests"]["outcomes"]["granted"]["total"] = 7
    return instance


def _page(instance: dict[str, Any], lang: str = "zh") -> tuple[str, Result]:
    result = api.check_reading(Reading(name="seed.json", media_type="application/json", instance=instance),
                               lang=lang)
    return report_html.page(instance, result, lang=lang, name="seed.json"), result


# -- structure ---------------------------------------------------------------------------


def test_every_value_cell_carries_its_pointer_and_shows_its_value() -> None:
    instance = _seed()
    dom = _Dom(_page(instance)[0])
    cells = {p: n for p, n in dom.by_pointer().items() if "v" in n.classes}
    expected = {p: v for t in TABLES for p, v in _leaves(instance[t], f"/{t}").items()}
    assert set(cells) == set(expected)
    for pointer, value in expected.items():
        assert cells[pointer].own_text() == ("" if value is None else str(value)), pointer
        assert cells[pointer].attrs["id"] == "cell-" + pointer[1:].replace("/", "-")


def test_the_planted_fault_marks_its_cell_error_and_nothing_else() -> None:
    dom = _Dom(_page(_faulty())[0])
    cells = dom.by_pointer()
    # the row no longer sums: its total; and 三（七）总计 no longer sums the outcomes
    marked = {p for p, n in cells.items() if n.classes & {"error", "warning", "blank"}}
    assert {p for p in marked if "error" in cells[p].classes} == {GRANTED_TOTAL, OUTCOMES_TOTAL}
    # the seed's one warning: （六） as a single row (FMT-SHAPE), on the row's label
    assert marked - {GRANTED_TOTAL, OUTCOMES_TOTAL} == {"/requests/outcomes/other_handling"}
    assert "warning" in cells["/requests/outcomes/other_handling"].classes
    assert "h" in cells["/requests/outcomes/other_handling"].classes
    pop = cells[GRANTED_TOTAL].text()
    assert "T3-ROW-TOTAL" in pop and "实为 7" in pop and "6 + 0 + 0 + 0 + 0 + 0" in pop


def test_blank_cells_get_the_blank_class_and_one_folded_group() -> None:
    instance = _seed()
    instance["reviews"]["reconsideration"]["corrected"] = None
    instance["active_disclosure"]["licensing"]["decisions"] = None
    dom = _Dom(_page(instance)[0])
    cells = dom.by_pointer()
    for pointer in ("/reviews/reconsideration/corrected", "/active_disclosure/licensing/decisions"):
        assert cells[pointer].classes >= {"v", "blank"}
        assert cells[pointer].own_text() == ""
    [details] = [n for n in dom.all("details") if "blanks" in n.classes]
    assert {li.attrs["data-pointer"] for li in details.walk() if li.tag == "li"} == {
        "/reviews/reconsideration/corrected", "/active_disclosure/licensing/decisions"}


def test_findings_list_links_every_finding_to_an_element_of_the_page() -> None:
    text, result = _page(_faulty())
    dom = _Dom(text)
    ids = {n.attrs["id"] for n in dom.root.walk() if "id" in n.attrs}
    items = [n for n in dom.all("li") if "f" in n.classes]
    assert len(items) == len(result.findings) == 3
    for li in items:
        [link] = [a for a in li.walk() if a.tag == "a"]
        assert link.attrs["href"].startswith("#") and link.attrs["href"][1:] in ids
    first = items[0]
    assert first.attrs["data-rule"] in {"T3-ROW-TOTAL", "T3-OUTCOMES"} and "error" in first.classes


def test_the_source_location_is_quoted(tmp_path: Path) -> None:
    # where （六）其他处理 is in the seed document, counted here from the file itself
    lines = SEED_TXT.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("(六)其他处理"))
    reading = api.read(SEED_TXT)
    page = report_html.page(reading, api.check_reading(reading))
    cell = _Dom(page).by_pointer()["/requests/outcomes/other_handling"]
    assert f"原文位置：第{line}行 第1列" in cell.text()
    english = report_html.page(reading, api.check_reading(reading), lang="en")
    assert f"In the source: line {line}, column 1" in _Dom(english).by_pointer()["/requests/outcomes/other_handling"].text()


def test_english_page() -> None:
    text, _ = _page(_faulty(), lang="en")
    dom = _Dom(text)
    assert dom.all("html")[0].attrs["lang"] == "en"
    header = dom.all("header")[0].text()
    assert "Agency" in header and "Edition" in header and "failed" in header
    pop = dom.by_pointer()[GRANTED_TOTAL].text()
    assert "should be the sum" in pop and "实为" not in pop
    # the official labels stay as printed
    assert "（一）予以公开" in dom.by_pointer()["/requests/outcomes/granted"].own_text()


def test_the_page_is_self_contained_and_escapes_the_report() -> None:
    instance = _faulty()
    instance["report"]["agency"] = '<script>alert("x")</script>'
    instance["report"]["title"] = '"><img src=x onerror=alert(1)>'
    instance["sections"]["overview"] = "<b>粗体</b> & <style>body{display:none}</style>"
    instance["requests"]['"><script>alert(2)</script>'] = {"total": "<i>1</i>"}  # a schema error, quoted
    text, result = _page(instance)
    assert any("<script>alert(2)" in f.pointer for f in result.findings)
    dom = _Dom(text)
    assert not dom.all("script") and not dom.all("img") and len(dom.all("style")) == 1
    assert not dom.all("link") and not dom.all("iframe") and not dom.all("i")
    for node in dom.root.walk():
        assert "src" not in node.attrs
        if "href" in node.attrs:
            assert node.attrs["href"].startswith("#")
    assert '<script>alert("x")</script>' in dom.all("header")[0].text()
    [paragraph] = [p for p in dom.all("p") if "粗体" in p.text()]
    assert paragraph.children == [] and paragraph.text() == "<b>粗体</b> & <style>body{display:none}</style>"
    [csp] = [m for m in dom.all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp.attrs["content"] and "script-src" not in csp.attrs["content"]
    css = dom.all("style")[0].text()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_index_rows_and_escaping() -> None:
    entries = [
        report_html.Entry(name="a<b>.txt", href="a.html", agency="<script>x()</script>", year=2021, edition="2021",
                          counts={"error": 2, "warning": 0, "info": 1}, valid=False),
        report_html.Entry(name="junk.txt", error="不是政府信息公开工作年度报告"),
    ]
    dom = _Dom(report_html.index(entries))
    [body] = dom.all("tbody")
    rows = [n for n in body.children if n.tag == "tr"]
    assert len(rows) == 2
    assert [len([c for c in r.children if c.tag == "td"]) for r in rows] == [8, 8]
    assert rows[0].text().startswith("a<b>.txt<script>x()</script>2021")
    assert [a.attrs["href"] for a in dom.all("a")] == ["a.html"]
    assert len(dom.all("script")) == 1  # ours, the sorting
    assert "共2个文件：0个通过，1个未通过，1个无法使用。" in dom.all("header")[0].text()


# -- the command line --------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_cli_one_input_writes_the_page(tmp_path: Path) -> None:
    target = tmp_path / "seed.html"
    code, out = _run("check", str(SEED_TXT), "--format", "html", "-o", str(target))
    assert code == 0 and out == f"{target}\n"
    dom = _Dom(target.read_text(encoding="utf-8"))
    assert "warning" in dom.by_pointer()["/requests/outcomes/other_handling"].classes


def test_cli_fault_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "faulty.json"
    source.write_text(dumps(_faulty()), encoding="utf-8")
    code, _ = _run("check", str(source), "--format", "html", "-o", str(tmp_path / "out.html"))
    assert code == 1
    assert "error" in _Dom((tmp_path / "out.html").read_text(encoding="utf-8")).by_pointer()[GRANTED_TOTAL].classes


def test_cli_several_inputs_write_a_directory_with_an_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("nothing here\n", encoding="utf-8")
    out_dir = tmp_path / "report"
    files = [str(SEED_TXT), str(SEED_JSON), str(CORPUS / "files" / "pingtan-2020.txt"), str(junk),
             str(tmp_path / "missing.txt")]
    code, out = _run("check", *files, "--format", "html", "-o", str(out_dir))
    assert code == 2  # unusable inputs win, as in every check
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "chaotian-2021.json.html", "chaotian-2021.txt.html", "index.html", "pingtan-2020.txt.html"]
    assert out.splitlines()[-1] == str(out_dir / "index.html")
    err = capsys.readouterr().err
    assert "junk.txt" in err and "missing.txt" in err
    dom = _Dom((out_dir / "index.html").read_text(encoding="utf-8"))
    rows = [n for n in dom.all("tbody")[0].children if n.tag == "tr"]
    assert [r.children[0].text() for r in rows] == files
    assert "平潭综合实验区" in rows[2].text() and "2020" in rows[2].text()
    assert [a.attrs["href"] for a in dom.all("a")] == ["chaotian-2021.txt.html", "chaotian-2021.json.html",
                                                       "pingtan-2020.txt.html"]


def test_cli_html_needs_an_output(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        _run("check", str(SEED_TXT), "--format", "html")
    assert exc.value.code == 2
    assert "-o" in capsys.readouterr().err


def test_cli_unwritable_output_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run("check", str(SEED_TXT), "--format", "html", "-o", str(tmp_path / "no" / "such" / "dir" / "x.html"))
    assert code == 2
    assert "x.html" in capsys.readouterr().err


def test_cli_output_file_for_text(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    code, out = _run("check", str(SEED_TXT), "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith(f"{SEED_TXT}  2021年  [2021年版格式]  通过")


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def _open(driver: Any, path: Path) -> None:
    driver.get(path.as_uri())
    driver.get_log("browser")  # start each page with an empty console


def _console_errors(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def _td(driver: Any, pointer: str) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f'td[data-pointer="{pointer}"]')


def _shot(driver: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


@pytest.mark.browser
def test_browser_seed_page_loads_cleanly_and_is_screenshotted(browser: Any, tmp_path: Path) -> None:
    reading = api.read(SEED_TXT)
    page = tmp_path / "chaotian-2021.html"
    page.write_text(report_html.page(reading, api.check_reading(reading)), encoding="utf-8")
    browser.get(page.as_uri())
    assert _console_errors(browser) == []
    assert browser.title == "2021年政府信息公开工作年度报告"
    cells = browser.find_elements(By.CSS_SELECTOR, "table.t td.v[data-pointer]")
    assert len(cells) == len([p for t in TABLES for p in _leaves(reading.instance[t], f"/{t}")])
    # the tables are laid out, not collapsed: table 3 is wider than table 2
    widths = [t.size["width"] for t in browser.find_elements(By.CSS_SELECTOR, "table.t")]
    assert len(widths) == 3 and widths[1] > widths[0] > 100
    shot = _shot(browser, "seed-report.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.browser
def test_browser_fault_is_marked_and_explained(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "faulty.html"
    page.write_text(_page(_faulty())[0], encoding="utf-8")
    _open(browser, page)
    cell = _td(browser, GRANTED_TOTAL)
    assert "error" in cell.get_attribute("class").split()
    normal = _td(browser, "/requests/outcomes/granted/natural_person")
    assert cell.value_of_css_property("background-color") != normal.value_of_css_property("background-color")
    pop = cell.find_element(By.CLASS_NAME, "pop")
    assert not pop.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    ActionChains(browser).move_to_element(cell).perform()
    assert pop.is_displayed()
    assert "T3-ROW-TOTAL" in pop.text and "实为 7" in pop.text
    _shot(browser, "fault-hover.png")
    # a click (focus) shows it too, away from the mouse
    other = _td(browser, OUTCOMES_TOTAL)
    ActionChains(browser).move_to_element(_td(browser, "/requests/received/natural_person")).perform()
    assert not pop.is_displayed()
    other.click()
    other_pop = other.find_element(By.CLASS_NAME, "pop")
    ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).perform()
    assert other_pop.is_displayed() and "T3-OUTCOMES" in other_pop.text
    # a popover near the right edge opens leftwards, inside the window
    right = other_pop.rect["x"] + other_pop.rect["width"]
    assert right <= browser.execute_script("return window.innerWidth")
    assert _console_errors(browser) == []


@pytest.mark.browser
def test_browser_findings_list_links_to_the_cell(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "faulty.html"
    page.write_text(_page(_faulty())[0], encoding="utf-8")
    _open(browser, page)
    item = browser.find_element(By.CSS_SELECTOR, 'aside li[data-rule="T3-ROW-TOTAL"] a')
    item.click()
    assert browser.current_url.endswith("#cell-requests-outcomes-granted-total")
    target = browser.execute_script("return document.querySelector(':target')")
    assert target.get_attribute("data-pointer") == GRANTED_TOTAL
    assert target.find_element(By.CLASS_NAME, "pop").is_displayed()  # the target shows its findings


@pytest.mark.browser
def test_browser_index_sorts(browser: Any, tmp_path: Path) -> None:
    entries = [
        report_html.Entry(name="b.txt", href="b.html", agency="乙局", year=2021, edition="2021",
                          counts={"error": 0, "warning": 3, "info": 0}, valid=True),
        report_html.Entry(name="junk.txt", error="不是政府信息公开工作年度报告"),
        report_html.Entry(name="a.txt", href="a.html", agency="甲局", year=2019, edition="2019",
                          counts={"error": 12, "warning": 0, "info": 1}, valid=False),
        report_html.Entry(name="c.txt", href="c.html", agency="丙局", year=2023, edition="2021",
                          counts={"error": 2, "warning": 1, "info": 0}, valid=False),
    ]
    page = tmp_path / "index.html"
    page.write_text(report_html.index(entries), encoding="utf-8")
    _open(browser, page)

    def names() -> list[str]:
        return [r.find_element(By.TAG_NAME, "td").text for r in browser.find_elements(By.CSS_SELECTOR, "#files tbody tr")]

    def click(key: str) -> None:
        browser.find_element(By.CSS_SELECTOR, f'th[data-key="{key}"] button').click()

    assert names() == ["b.txt", "junk.txt", "a.txt", "c.txt"]
    click("year")
    assert names() == ["a.txt", "b.txt", "c.txt", "junk.txt"]
    assert browser.find_element(By.CSS_SELECTOR, 'th[data-key="year"]').get_attribute("aria-sort") == "ascending"
    click("year")
    assert names() == ["c.txt", "b.txt", "a.txt", "junk.txt"]
    click("error")
    assert names() == ["b.txt", "c.txt", "a.txt", "junk.txt"]  # 0 < 2 < 12: numbers, not text
    click("file")
    assert names() == ["a.txt", "b.txt", "c.txt", "junk.txt"]
    assert _console_errors(browser) == []
    _shot(browser, "index.png")


@pytest.mark.browser
def test_browser_cli_directory(browser: Any, tmp_path: Path) -> None:
    out_dir = tmp_path / "report"
    code, _ = _run("check", str(SEED_TXT), str(CORPUS / "files" / "hongze-2023.pdf"), "--format", "html",
                   "-o", str(out_dir), "--lang", "en")
    assert code == 1  # hongze-2023 has two table-4 totals that do not add up
    _open(browser, out_dir / "index.html")
    browser.find_element(By.LINK_TEXT, str(CORPUS / "files" / "hongze-2023.pdf")).click()
    assert browser.current_url.endswith("/hongze-2023.pdf.html")
    errors = {e.get_attribute("data-pointer") for e in browser.find_elements(By.CSS_SELECTOR, "table.t td.error")}
    expected = {f.pointer for f in api.check(CORPUS / "files" / "hongze-2023.pdf").findings if f.severity.value == "error"}
    # 行政复议 总计 printed 0 beside 10 + 1 + 0 + 0; 复议后起诉 总计 printed 0 beside 5 + 0 + 0 + 0
    assert errors == expected == {"/reviews/reconsideration/total", "/reviews/litigation_after_reconsideration/total"}
    assert _console_errors(browser) == []


def test_screenshot_dir_is_ignored() -> None:
    ignored = (TESTS.parent / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/tests/screenshots/" in ignored


@pytest.mark.browser
def test_browser_tutorial_change_screenshot(browser: Any, tmp_path: Path) -> None:
    """The picture in the tutorial (docs/img/report-html.png is a copy of this shot):
    tutorial step 3's change, 四、结转下年度继续办理 › 自然人 0 → 1, hovered."""
    instance = _seed()
    instance["requests"]["carried_forward"]["natural_person"] = 1
    page = tmp_path / "changed.html"
    page.write_text(_page(instance)[0], encoding="utf-8")
    browser.set_window_size(1280, 720)
    try:
        _open(browser, page)
        cell = _td(browser, "/requests/carried_forward/natural_person")
        assert "error" in cell.get_attribute("class").split()
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
        ActionChains(browser).move_to_element(cell).perform()
        pop = cell.find_element(By.CLASS_NAME, "pop")
        assert pop.is_displayed() and "T3-BALANCE" in pop.text
        _shot(browser, "tutorial-change.png")
    finally:
        browser.set_window_size(1400, 1000)
