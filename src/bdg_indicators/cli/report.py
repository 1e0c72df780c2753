"""`bdg report`: the reports officials hand on (terminal, Markdown, HTML, XLSX, CSV, JSON)."""
