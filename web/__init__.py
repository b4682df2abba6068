"""The web app: factory, JSON API, calendar files, health, command line."""
