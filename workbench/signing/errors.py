"""Errors of the signing package (messages name the file or field)."""

from __future__ import annotations


class SigningError(ValueError):
    """Bad key, bad envelope or a signing request that cannot be honoured (message names the file/field)."""


class KeyPermissionError(SigningError):
    """A private key file (or its directory) is accessible by people other than its owner."""


__all__ = ["KeyPermissionError", "SigningError"]
