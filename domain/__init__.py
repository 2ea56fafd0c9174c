"""Tremplin's domain: aggregates, their events and rules, and the application services.

Pure: imports the standard library and `eventsourcing` only.
"""
