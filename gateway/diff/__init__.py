"""``crmgate diff`` and shadow mode: compare crmgate's answers with a vendor's on the wire's
shape (status, headers a client reads, body grammar, value formats), not on its data."""
