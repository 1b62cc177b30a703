"""Back office (Flask-Admin behind Flask-Login). Built in its own issue."""


def init_app(app):
    from . import cli

    cli.init_app(app)
