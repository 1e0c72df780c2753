"""Reports for people: the appendix table, the summary, charts, in Vietnamese or English."""
