"""Anonymised usage statistics: counts of what was asked, never who asked or what they wrote."""
