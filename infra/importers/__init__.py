"""Importers replay outside records through the application's own commands."""
