"""The web platform: litestar app factory, pages and JSON API."""
