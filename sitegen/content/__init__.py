"""Content stages: read sources, split front matter, validate, derive models."""
