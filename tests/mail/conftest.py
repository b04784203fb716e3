"""Mail tests: a real SMTP server per test (tests/smtp.py)."""

from tests.smtp import smtp_server  # noqa: F401  (the fixture)
