"""Validation throughput: govreport's validator against plain jsonschema, same run.

Prints reports per second on one core for
  * baseline — jsonschema's Draft202012Validator.iter_errors over the whole instance
    (what a straightforward implementation would do, without relations);
  * fast schema check — govreport's compiled validity predicate alone;
  * relations — flattening + evaluating every relation binding (fast integer path
    when every operand is a plain count, else the general evaluator);
  * full validate — schema + relations + conformance, findings built;
and each as a ratio to the baseline. Run: python benchmarks/validate_throughput.py [N]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings

from govreport import Validator
from govreport.contract import relations as rel
from govreport.contract import editions, tables
from govreport.strategies import faulty_reports, reports
from govreport.validation.schema import is_valid, validator
from govreport.validation.validator import flatten


def sample(n: int, faulty: bool = False) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    strategy = faulty_reports() if faulty else reports()

    @settings(max_examples=n, database=None, suppress_health_check=list(HealthCheck), deadline=None)
    @given(strategy)
    def collect(x: Any) -> None:
        out.append(x[0] if faulty else x.to_dict())

    collect()
    return out


def rate(fn: Callable[[dict[str, Any]], Any], data: list[dict[str, Any]], seconds: float = 2.0) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in data:
            fn(item)
        done += len(data)
    return done / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    valid = sample(n)
    faulty = sample(n, faulty=True)
    v = Validator()

    def baseline(d: dict[str, Any]) -> Any:
        return list(validator(d["edition"]).iter_errors(d))

    def relations_only(d: dict[str, Any]) -> Any:
        shape = editions.shape_of(d) or "split"
        bindings = rel.compile_relations(d["edition"], shape)
        values = flatten(d, d["edition"], shape)
        fails = rel.failing(bindings, values)
        return rel.evaluate(bindings, values) if fails is None else fails

    rows = [
        ("baseline: jsonschema iter_errors (valid)", baseline, valid),
        ("fast schema check (valid)", lambda d: is_valid(d, d["edition"]), valid),
        ("relations only (valid)", relations_only, valid),
        ("full validate (valid)", v.run, valid),
        ("full validate (one fault each)", v.run, faulty),
    ]
    base = rate(baseline, valid)
    print(f"{n} generated reports per set; reports/second on one core")
    for name, fn, data in rows:
        r = base if fn is baseline else rate(fn, data)
        print(f"  {name:44s} {r:10.0f}/s   ×{r / base:6.1f} vs baseline")


if __name__ == "__main__":
    main()
