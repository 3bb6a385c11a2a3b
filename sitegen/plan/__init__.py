"""Plan stage: Site → the typed contexts of every page, feed and search shard."""
