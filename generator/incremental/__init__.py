"""Incremental and parallel work: what a build keeps for the next one and how it reuses it (see the modules)."""
