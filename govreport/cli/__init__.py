"""The ``govreport`` command (see :mod:`govreport.cli.commands`)."""

from govreport.cli.commands import entry, main

__all__ = ["entry", "main"]
