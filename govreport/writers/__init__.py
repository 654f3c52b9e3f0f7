"""Writers only format: validation results as text or JSON, instances as tables."""
