"""Claims: the figures a published report prints, read from a claims file and checked."""
