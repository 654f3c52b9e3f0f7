"""``python -m govreport``: the same as the ``govreport`` command."""

from govreport.cli import entry

entry()
