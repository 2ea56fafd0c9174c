"""Adapters and wiring: settings, persistence, the CLI, importers."""
