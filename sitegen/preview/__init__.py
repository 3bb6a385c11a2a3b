"""Preview: `sitegen serve`, the live preview."""
