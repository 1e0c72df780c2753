"""`bdg verify`: check the figures a published report claims against the recomputed ones."""
