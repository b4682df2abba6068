"""Browser tests: pages driven in Debian's Chromium through Playwright (see conftest.py)."""
