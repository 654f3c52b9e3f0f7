"""Shared test helpers and Hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by .ci/run) runs more examples, derandomized so a CI
failure reproduces; the default profile is quicker for local runs.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLES = ROOT / "examples"
CORPUS = TESTS / "corpus"

settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=250, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture()
def seed_instance() -> dict[str, Any]:
    """A fresh copy of examples/chaotian-2021.json for each test to modify."""
    return copy.deepcopy(load_json(EXAMPLES / "chaotian-2021.json"))
