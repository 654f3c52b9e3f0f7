"""The package version (semantic versioning applies to the names in ``govreport.__all__``)."""

__version__ = "0.1.0"
