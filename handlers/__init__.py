"""Thin handlers: read the event, call domain functions, return messages to reply with."""
