"""Consult: a multi-stakeholder consultation and consensus platform.

This package's root imports nothing from Flask, so ``import consult.analysis``
stays light. The web application is built by :func:`consult.app.create_app`.
"""

__version__ = "0.1.0"
