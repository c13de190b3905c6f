"""Event types, event extraction from articles, and merging of the same event across reports."""
