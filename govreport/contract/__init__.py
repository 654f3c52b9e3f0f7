"""The published contract, loaded from ``schema/`` inside the package (never the network).

* :mod:`~govreport.contract.schemas` — the schema and relations files, one registry;
* :mod:`~govreport.contract.tables` — the tables as the schema declares them (cells,
  labels, document order);
* :mod:`~govreport.contract.editions` — the one edition and （六）-shape policy;
* :mod:`~govreport.contract.catalogue` — every rule id with its texts;
* :mod:`~govreport.contract.relations` — the relations compiled and evaluated on cell
  values (used by validation and by the reader to split run-together digits);
* :mod:`~govreport.contract.model` — the typed model of an instance.
"""
