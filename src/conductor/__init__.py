"""Conductor: Python worker SDK for the Conductor workflow engine."""
