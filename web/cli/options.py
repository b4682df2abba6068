"""Options more than one command takes."""

from __future__ import annotations

import click

province = click.option("--province", default="",
                        help="the district's province: needed when districts of several provinces share its name")
