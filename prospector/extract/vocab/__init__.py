"""Vocabularies of the extraction readers, one module per reader family."""
