"""Exceptions raised by govpress. The CLI maps each to a one-line error."""
from __future__ import annotations


class GovpressError(Exception):
    """Base class of every error govpress raises on purpose."""


class IngestError(GovpressError):
    """An input file cannot be read as a release (names the file and the fault)."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class BuildError(GovpressError):
    """The package could not be built (e.g. a rejected release under ``--strict``)."""


class ValidationFailed(GovpressError):
    """A package failed validation; ``report`` holds the problems."""

    def __init__(self, message: str, report: object = None) -> None:
        self.report = report
        super().__init__(message)


class FetchError(GovpressError):
    """A remote source could not be fetched after the allowed retries."""


class PackageNotFound(GovpressError):
    """No ``datapackage.json`` where one was expected."""


class GoldError(GovpressError):
    """Gold annotations cannot be read: no gold files, or a file that is not valid gold YAML."""


class ReleaseError(GovpressError):
    """A release cannot be made: the version is not bumped enough, or is already released differently."""
