"""What reading one file gave: an instance, where each value came from, and what the
reader observed. Plain, picklable data; the validator turns observations into findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import define, field

from govreport.location import Location, Provenance

__all__ = ["Observation", "Reading"]


@define(frozen=True, kw_only=True, slots=True)
class Observation:
    """Something the reader noticed about one place: a rule id and the arguments of its
    message, never a rendered text (validation renders it, in the caller's language).

    ``template`` is ``RULE:variant`` when the rule's default message does not fit;
    ``label`` overrides the official label of ``pointer`` (e.g. a section heading);
    ``expected``/``actual`` are what the finding shows as expected and read.
    """

    rule: str
    pointer: str
    args: dict[str, Any] = field(factory=dict)
    template: str = ""
    label: str | None = None
    expected: Any = None
    actual: Any = None
    location: Location | None = None


@define(frozen=True, kw_only=True)
class Reading:
    """What reading one file gave.

    ``instance`` is the JSON report instance (possibly partial for a document);
    ``source_map`` maps JSON Pointers to where each value was read; ``observations``
    are what reading noticed (ambiguous cells, unusual labels, missing tables…);
    ``media_type`` is the sniffed type of the input.
    """

    name: str
    media_type: str
    instance: dict[str, Any]
    source_map: Mapping[str, Provenance] = field(factory=dict)
    observations: tuple[Observation, ...] = ()
