"""Metric names and label names."""
