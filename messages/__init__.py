"""Builders of LINE messages. All words people read live in this package (Thai first)."""
