"""Read models built from the log: each owns its tables and its position in the log."""
