"""WSGI entry point: ``gunicorn wsgi:app``."""

from consult.app import create_app

app = create_app()
