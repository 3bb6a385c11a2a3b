"""Commands: the command line and the commands besides build and serve."""
