"""Vendor dialects: each translates one vendor wire protocol to and from core."""
