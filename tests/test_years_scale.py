"""Pairing reports by agency and year normalises each name once, however many reports share it."""

from __future__ import annotations

import pytest

from govreport.validation import collection
from govreport.validation.collection import Profile, check_years


def test_many_reports_under_one_name_normalise_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = collection.agency_key

    def counted(agency: str) -> str:
        calls.append(agency)
        return original(agency)

    monkeypatch.setattr(collection, "agency_key", counted)
    # 300 reports of one agency in each of two years, and one report of another agency
    profiles = [Profile(name=f"{year}-{i}", agency="某某市某某区人民政府办公室", year=year, edition="2021")
                for year in (2020, 2021) for i in range(300)]
    profiles.append(Profile(name="other", agency="另一县人民政府", year=2021, edition="2021"))
    years = check_years(profiles)
    # two names, each normalised once for its full key and once inside local_name
    # (was: twice per report, and once more per member of its group)
    assert sorted(set(calls)) == sorted({"某某市某某区人民政府办公室", "另一县人民政府"})
    assert len(calls) == 4
    # several reports of last year under one name: no pairing is certain
    assert years.pairs == ()
    assert set(years.unmatched) == {p.name for p in profiles}
