"""Data-entry forms: an Excel or CSV form per org-unit level, and reading a filled form back."""
