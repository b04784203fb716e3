"""Accounts by email: registering without telling whether an address has an account,
confirming the address, resetting a forgotten password (or choosing a first one),
changing the address.

Each use case that mails a link renders the mail at once (in the asker's request) and
leaves its delivery to :mod:`consult.mail`, except a forgotten password: that request
only queues a mail job with the address it was given, and the job looks the account up
(:func:`send_reset_link`), so the request does the same work whether or not the address
has an account. Answers never depend on it: the caller shows the same page either way,
and the mail says the rest.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from consult.auth import services, sessions, tokens
from consult.auth.models import EMAIL_MAX, User
from consult.auth.passwords import check_password
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError
from consult.extensions import db
from consult.mail import absolute_url, send_email
from consult.mail.delivery import dispatch_job
from consult.moderation.audit import record_event
from consult.organise.invitations import EMAIL_RE


def _days(purpose: tokens.Purpose) -> int:
    return purpose.valid_for.days


def kept_destination(target: str | None) -> str | None:
    """``target`` if it is a same-site path a link may carry on to (``safe_next_url``'s
    check), else None: an invitation's ``/c/<slug>`` survives registration, a hostile
    address is dropped."""
    from consult.web import safe_next_url

    if target and safe_next_url(target) == target:
        return target
    return None


def register(next_path: str | None = None, **fields) -> User | None:
    """Register an account and mail its confirmation link; for an address that has an
    account already, create nothing and mail that person instead (with a reset link).
    Both mails' links carry on to ``next_path`` (a safe path, or None) once logged in.

    Returns the new account, or None: the caller must answer alike in both cases.
    DomainError for bad fields, checked before the address is looked up."""
    next_path = kept_destination(next_path)
    try:
        user = services.register_user(**fields)
    except services.EmailTaken:
        existing = services.find_user_by_email(fields["email"])
        if existing is not None and not _just_registered(existing):
            send_email(
                existing.email,
                "auth/already_registered",
                language=existing.locale,
                login_link=absolute_url("auth.login", next=next_path),
                forgot_link=absolute_url("account_email.forgot"),
            )
        return None
    send_confirmation(user, next_path)
    return user


# A second "Create account" within this time of the first (a double tap on a slow
# connection) mails nothing more: the confirmation link went out moments ago, and a
# "you already have an account" mail beside it would contradict it.
JUST_REGISTERED = timedelta(minutes=10)


def _just_registered(user: User) -> bool:
    return user.email_confirmed_at is None and utcnow() - user.created_at < JUST_REGISTERED


def send_confirmation(user: User, next_path: str | None = None) -> None:
    """Mail ``user`` a link that confirms their address (Conflict if it is confirmed);
    the link keeps ``next_path``, checked again when it is opened."""
    if user.email_confirmed_at is not None:
        raise Conflict(_("Your email address is confirmed already."))
    token = tokens.make_token(tokens.CONFIRM, user)
    send_email(
        user.email,
        "auth/confirm",
        language=user.locale,
        name=user.display_name,
        link=absolute_url("account_email.confirm", token=token, next=kept_destination(next_path)),
        days=_days(tokens.CONFIRM),
    )


def confirm_email(token: str) -> User:
    """Mark the address of the token's account confirmed; the token then stops working.
    InvalidLink / ExpiredLink for a bad token (nothing changes)."""
    user, _extra = tokens.read_token(tokens.CONFIRM, token)
    with write_transaction():
        user.email_confirmed_at = utcnow()
        record_event(user, None, "email_confirmed", "user", user.id, email=user.email)
    return user


def request_password_reset(email: str) -> None:
    """Queue the mail job that sends a reset link if ``email`` has an account
    (:func:`send_reset_link`). The request does the same whatever the address: the
    caller answers alike either way."""
    dispatch_job(SEND_RESET_LINK, email or "")


SEND_RESET_LINK = "consult.auth.email_accounts.send_reset_link"


def can_reset_password(user: User | None) -> bool:
    """An active account that logs in with a password, or one without a password yet
    (made through an institution's sign-in) whose address is confirmed: its first
    password comes from a reset link. Synthetic demo voters (no password, no confirmed
    address) get nothing."""
    if user is None or not user.is_active:
        return False
    return has_password(user) or user.email_confirmed_at is not None


def has_password(user: User) -> bool:
    """Whether the account has a password to log in with (sign-in accounts may not)."""
    return user.password_hash != services.UNUSABLE_PASSWORD


def send_reset_link(email: str) -> None:
    """The mail job of :func:`request_password_reset`: mail a link to choose a password
    to the account of ``email``, if :func:`can_reset_password`; otherwise nothing."""
    email = services.normalise_email(email or "")
    if len(email) > EMAIL_MAX:
        return
    user = services.find_user_by_email(email)
    if not can_reset_password(user):
        return
    send_password_link(user)


def send_password_link(user: User) -> None:
    """Mail ``user`` a link to choose a (new, or first) password."""
    token = tokens.make_token(tokens.RESET, user)
    send_email(
        user.email,
        "auth/reset",
        language=user.locale,
        name=user.display_name,
        first=not has_password(user),
        link=absolute_url("account_email.reset", token=token),
        minutes=int(tokens.RESET.valid_for.total_seconds() // 60),
    )


def request_first_password(user: User) -> None:
    """For a logged-in account without a password: mail it a link to choose one
    (Conflict if it has one: it changes it on the password page)."""
    if has_password(user):
        raise Conflict(_("Your account has a password already: change it here."))
    send_password_link(user)


def check_reset_token(token: str) -> User:
    """The account a reset link is for (to show the form), or InvalidLink/ExpiredLink."""
    return tokens.read_token(tokens.RESET, token)[0]


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link: the link then stops working (it is bound to
    the old password), every session of the account ends, and the address counts as
    confirmed (the link reached it)."""
    user, _extra = tokens.read_token(tokens.RESET, token)
    check_password(new_password, email=user.email, display_name=user.display_name, field="password")
    with write_transaction():
        user.password_hash = services.hash_password(new_password)
        user.email_confirmed_at = user.email_confirmed_at or utcnow()
        sessions.bump_generation(user)
        record_event(user, None, "password_reset", "user", user.id)
    return user


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Mail a link to ``new_email`` that moves the account there, and a notice to the
    current address. The password is asked again (a session left open is not enough).
    An address another account uses gets a notice instead of a link: the asker is told
    the same thing either way."""
    if not has_password(user):
        raise Conflict(
            _("Your account has no password yet. Choose one first: we can mail you a link.")
        )
    if not check_password_hash(user.password_hash, password or ""):
        raise DomainError(_("Your password is not right."), field="password")
    new_email = services.normalise_email(new_email or "")
    if len(new_email) > EMAIL_MAX or not EMAIL_RE.fullmatch(new_email):
        raise DomainError(_("Enter a valid email address, like name@example.org."), "email")
    if new_email == user.email:
        raise DomainError(_("This is your address already."), field="email")
    send_email(
        user.email,
        "auth/change_email_notice",
        language=user.locale,
        name=user.display_name,
        password_link=absolute_url("auth.change_password"),
    )
    if services.find_user_by_email(new_email) is not None:
        send_email(new_email, "auth/change_email_taken", language=user.locale)
        return
    token = tokens.make_token(tokens.CHANGE_EMAIL, user, new_email)
    send_email(
        new_email,
        "auth/change_email",
        language=user.locale,
        name=user.display_name,
        old_email=user.email,
        link=absolute_url("account_email.confirm_change", token=token),
        days=_days(tokens.CHANGE_EMAIL),
    )


def confirm_email_change(token: str) -> User:
    """Move the account to the new address of the link, confirmed (it was reached).
    Conflict, without saying more, if another account took the address meanwhile."""
    user, new_email = tokens.read_token(tokens.CHANGE_EMAIL, token)
    taken = Conflict(_("This address cannot be used for your account. Nothing has changed."))
    old_email = user.email
    try:
        with write_transaction():
            if db.session.scalar(sa.select(User.id).where(User.email == new_email)):
                raise taken
            user.email = new_email
            user.email_confirmed_at = utcnow()
            record_event(
                user, None, "email_changed", "user", user.id, before=old_email, after=new_email
            )
    except sa.exc.IntegrityError:
        raise taken from None
    return user
