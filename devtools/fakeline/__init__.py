"""A small, honest stand-in for LINE's Messaging API, for tests and the demo.

`server` implements the endpoints the product uses, with what LINE checks on a send in
`checks` and what the fake remembers in `state`; `control` is a client for its
`/_fake/...` control endpoints; `events` builds and signs webhook events the way LINE does.
"""

from devtools.fakeline.control import FakeLineClient
from devtools.fakeline.server import FakeLinePlatform, create_fake_line

__all__ = ["FakeLineClient", "FakeLinePlatform", "create_fake_line"]
