"""Validation: an instance (with, for a document, where each value was read and what
reading observed) in, a :class:`~govreport.findings.Result` out. It owns every finding.

Checks plug in through one protocol (:class:`~govreport.validation.context.Check`):
the rule ids a check owns and ``run(context)``.
"""

from govreport.validation.context import Check, Context
from govreport.validation.settings import DocumentSettings
from govreport.validation.validator import CHECKS, Validator, report_order

__all__ = ["CHECKS", "Check", "Context", "DocumentSettings", "Validator", "report_order"]
