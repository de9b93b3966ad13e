"""The Starlette application: config, dialect mounting, middleware, admin API and CLI."""
