"""Scripts run by hand or by the publishing workflows, outside the sitegen package."""
