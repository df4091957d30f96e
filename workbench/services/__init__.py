"""Use cases: the only layer that combines store, io, signing and domain. Pages and the CLI call these."""
