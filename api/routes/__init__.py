"""Thin routers under /api/v1; the work is done in features/, matching/ and the api stores."""
