"""The canonical customer domain: models, services, policy, store. Knows no HTTP and no vendor."""
