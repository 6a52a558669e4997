"""The import formats the CLI accepts (kept apart so ``--help`` needs no database or Django setup)."""

FORMATS: tuple[str, ...] = ("fmtrpt", "dmdc", "vine-sites", "mme", "foreignassistance", "congress-register", "dod-bsr")
