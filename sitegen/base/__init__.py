"""Base: what every stage uses.

Errors, messages, options, settings, URLs, Czech text, fingerprints, stores, workers.
"""
