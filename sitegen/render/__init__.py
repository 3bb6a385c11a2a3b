"""Render stage: contexts → bytes: templates in their sandbox, feeds, sitemap, search index."""
