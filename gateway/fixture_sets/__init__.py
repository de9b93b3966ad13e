"""The named fixture sets (``demo``), shipped in the wheel as package data.

Each set is a folder of JSON files (table -> rows), read in name order through
``importlib.resources`` so an installed crmgate finds them from any working directory.
"""
