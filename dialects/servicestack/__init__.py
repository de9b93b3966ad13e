"""A generic ServiceStack host emulation; its sites (``pf``, ``bokamera``) are the dialects."""
