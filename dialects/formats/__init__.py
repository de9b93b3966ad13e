"""Wire codecs shared by dialects. Pure functions: no Starlette, no core."""
