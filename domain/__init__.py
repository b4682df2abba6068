"""Domain rules: pure functions of plain values and a date (no Flask, no database, no LINE)."""
