"""Moved to services.appointments; kept only for devtools/demo.py, which this change leaves alone.

Delete this file once devtools/demo.py imports `create_session` from services.appointments.
"""

from services.appointments import create_session

__all__ = ["create_session"]
