"""Sending a message by SMTP: over TLS, never a password or a message in the clear but to this machine.

`[email] smtp_security` says how: `ssl` connects over TLS, `starttls` upgrades a plain
connection and will not go on without it, `none` is for a server on this machine only.
The password comes from the environment variable `[email] password_env` names, else from
the keyring; never from a file. Every failure is one line naming the server as host:port.
The message itself is built by `mlnews.publish.mime`.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage

from mlnews.errors import ConfigError, MlnewsError, UsageError
from mlnews.publish.mime import check_address
from mlnews.settings import EmailSettings

TIMEOUT = 30.0  # seconds for each SMTP connect, read and write
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SECURITY = ("starttls", "ssl", "none")


class SendError(MlnewsError):
    """Sending failed: the message names the server as host:port and what it said."""


def send(
    message: EmailMessage,
    settings: EmailSettings,
    recipients: list[str],
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """Send one message to `recipients` (the envelope: they need not be in its To header).

    `ssl` connects over TLS, `starttls` upgrades a plain connection and refuses to go on
    without TLS, `none` is for a server on this machine only. Any failure is a SendError
    naming host:port.
    """
    host, port, security = settings.smtp_host.strip(), settings.smtp_port, settings.smtp_security
    where = f"{host}:{port}"
    if security not in SECURITY:  # mlnews.toml is checked; settings made in code are not
        raise ConfigError(f"[email] smtp_security: expected one of {', '.join(SECURITY)}, got {security!r}")
    if not host:
        raise ConfigError(
            "[email] smtp_host is not set: add the SMTP server to the [email] table of mlnews.toml"
        )
    if security == "none" and host.strip("[]") not in LOCAL_HOSTS:
        raise ConfigError(
            f'[email] smtp_security = "none" sends the password and the message unencrypted; it is only '
            f'allowed for a server on this machine (localhost), not {host}: use "starttls" or "ssl"'
        )
    envelope = [check_address(address) for address in recipients]
    if not envelope:
        raise UsageError("no recipients: name at least one with --to")
    password = _password(settings) if settings.smtp_username else ""
    context = ssl_context or ssl.create_default_context()
    try:
        refused = _deliver(message, settings, envelope, password, context, timeout)
    except smtplib.SMTPAuthenticationError as error:
        said = _said(error.smtp_code, error.smtp_error)
        raise SendError(
            f"{where}: login as {settings.smtp_username!r} refused ({said}); "
            f"check the password in ${settings.password_env}"
            + (f" or keyring service {settings.keyring_service!r}" if settings.keyring_service else "")
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise SendError(f"{where}: every recipient refused: {_refused(error.recipients)}") from None
    except smtplib.SMTPResponseException as error:
        raise SendError(f"{where}: {_said(error.smtp_code, error.smtp_error)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        raise SendError(f"{where}: {_one_line(str(error) or type(error).__name__)}") from None
    if refused:
        raise SendError(f"{where}: sent, except to {len(refused)} refused: {_refused(refused)}")


def _deliver(
    message: EmailMessage,
    settings: EmailSettings,
    recipients: list[str],
    password: str,
    context: ssl.SSLContext,
    timeout: float,
) -> dict[str, tuple[int, bytes]]:
    host, port = settings.smtp_host.strip().strip("[]"), settings.smtp_port
    client = (
        smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        if settings.smtp_security == "ssl"
        else smtplib.SMTP(host, port, timeout=timeout)
    )
    with client:
        client.ehlo()
        if settings.smtp_security == "starttls":
            if not client.has_extn("starttls"):
                raise SendError(
                    f"{settings.smtp_host}:{port} does not offer STARTTLS, so the password and the message "
                    'would travel unencrypted; use smtp_security = "ssl" with its TLS port (often 465)'
                )
            client.starttls(context=context)
            client.ehlo()
        if settings.smtp_username:
            client.login(settings.smtp_username, password)
        return client.send_message(message, to_addrs=recipients)


def _password(settings: EmailSettings) -> str:
    """The SMTP password: from the environment variable, else the keyring; never from a file."""
    variable = settings.password_env
    if variable and os.environ.get(variable):
        return os.environ[variable]
    if settings.keyring_service:
        import keyring  # only here: importing it takes ~60 ms, which every other command would pay
        from keyring.errors import KeyringError

        try:
            stored = keyring.get_password(settings.keyring_service, settings.smtp_username)
        except KeyringError as error:
            raise ConfigError(
                f"keyring service {settings.keyring_service!r}: {_one_line(str(error))}"
            ) from None
        if stored:
            return stored
        raise ConfigError(
            f"no password for {settings.smtp_username!r} in keyring service {settings.keyring_service!r}: "
            f"store it with `keyring set {settings.keyring_service} {settings.smtp_username}`, "
            f"or set the environment variable {variable}"
        )
    raise ConfigError(
        f"no SMTP password for {settings.smtp_username!r}: set the environment variable {variable} "
        "(or [email] keyring_service to read it from your keyring)"
    )


def _said(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return _one_line(f"{code} {said}")


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address} ({_said(code, text)})" for address, (code, text) in recipients.items())


def _one_line(text: str) -> str:
    return " ".join(text.split())
