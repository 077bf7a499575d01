"""The check: the whole file through the import's reader, builder and matching, writing no contact."""
