"""Helpers shared by the blueprints: request-scoped database session, errors, access."""
