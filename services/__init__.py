"""Queries and changes, one module per feature: functions of a session that never commit."""
