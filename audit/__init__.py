"""The append-only audit log: who did what, when (UTC), to what, from where."""
