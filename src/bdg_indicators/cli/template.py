"""`bdg template`: data-entry forms (XLSX, CSV) for the data items of a spec."""
