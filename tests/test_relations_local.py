"""The reader's arithmetic is the declared relations (relations.json), seen through ``relations.local``."""

from __future__ import annotations

import pytest

from govreport.contract import relations

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")
REVIEW = ("upheld", "corrected", "other", "pending", "total")
GROUPS4 = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")


def row(name: str) -> tuple[str, ...]:
    return tuple(f"/requests/{name}/{c}" for c in APPLICANTS)


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_a_table_3_row_is_six_columns_and_their_total(edition: str) -> None:
    check = relations.local(edition, "split", row("received"))
    assert check.groups == (7,)
    assert check.holds([1, 2, 3, 0, 0, 0, 6])
    assert not check.holds([1, 2, 3, 0, 0, 0, 7])
    assert check.holds([1, 2, None, 0, 0, 0, 7])  # a blank makes the row total not assessable


def test_table_4_is_three_groups_of_five() -> None:
    cells = tuple(f"/reviews/{g}/{c}" for g in GROUPS4 for c in REVIEW)
    check = relations.local("2021", "split", cells)
    assert check.groups == (5, 5, 5)
    assert check.holds([1, 0, 0, 1, 2] + [0] * 5 + [3, 0, 0, 0, 3])
    assert not check.holds([1, 0, 0, 1, 2] + [0] * 5 + [3, 0, 0, 0, 4])


def test_across_rows_keeps_the_balance_and_drops_each_rows_own_total() -> None:
    rows = ("received", "carried_over", "outcomes/total", "carried_forward")
    cells = tuple(p for r in rows for p in row(r))
    every = relations.local("2021", "split", cells)
    across = relations.local("2021", "split", cells, across_rows=True)
    # 4 row totals + 7 column balances; the balance is received + carried_over − outcomes = carried_forward
    assert len(every.checks) == 11 and len(across.checks) == 7
    values = [5, 0, 0, 0, 0, 0, 5] + [1, 0, 0, 0, 0, 0, 1] + [4, 0, 0, 0, 0, 0, 4] + [2, 0, 0, 0, 0, 0, 2]
    assert across.holds(values)
    values[21] = 3  # carried_forward natural_person: 5 + 1 − 4 ≠ 3
    assert not across.holds(values)
    assert across.groups is None  # no run of these cells is closed by a plain sum of the run


def test_only_relations_wholly_among_the_cells_count() -> None:
    # the balance needs four rows; two rows alone carry only their row totals
    check = relations.local("2021", "split", row("received") + row("carried_over"), across_rows=True)
    assert check.checks == ()


def test_an_unknown_cell_is_refused() -> None:
    with pytest.raises(ValueError, match="not a cell"):
        relations.local("2021", "split", ("/requests/received/nobody",))
