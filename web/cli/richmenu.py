"""`richmenu deploy` and `richmenu relink`: the rich menus on LINE, and each person's linked to them."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.richmenus import DeployError
from bot.runtime import runtime


@click.group(cls=AppGroup, help="The rich menus people tap in LINE, one per role.")
def richmenu() -> None:
    pass


@richmenu.command("deploy")
def deploy() -> None:
    """Create or update the menus of each role, their aliases and the default (the guest's); link
    everyone to theirs. Running it again changes nothing unless the menus changed."""
    try:
        report = runtime().menus.deploy()
    except DeployError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines:
        click.echo(line)
    click.echo(f"rich menus up to date ({report.writes} change(s) on LINE)")


@richmenu.command("relink")
def relink() -> None:
    """Link each person's menu again where it is not the one their roles call for (after a failure)."""
    click.echo(f"{runtime().menus.relink()} person(s) linked to their menu")
