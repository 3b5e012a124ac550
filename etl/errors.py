"""The ETL's exception tree: typed errors inside, one friendly message at the edge."""

from __future__ import annotations

from pathlib import Path


class EtlError(Exception):
    """Base class of every error the ETL raises on purpose."""

    exit_code = 1


class SourceError(EtlError):
    """A source file is missing, corrupt or not in the format its reader expects."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ValidationError(EtlError):
    """The built database failed a sanity check and was not published."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = "; ".join(problems[:10])
        more = f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"database failed {len(problems)} sanity check(s): {head}{more}")


class FetchError(EtlError):
    """Downloading a source file failed or its checksum did not match."""


class OutputError(EtlError):
    """The database could not be written (e.g. the disk is full); the old file is left as it was."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        super().__init__(f"cannot write {self.path}: {reason}; the old database is unchanged")


class Interrupted(EtlError):
    """The build was stopped by a signal; its temporary files were removed."""

    def __init__(self, signame: str, exit_code: int) -> None:
        self.exit_code = exit_code
        super().__init__(f"build stopped by {signame}: temporary files removed, the old database is unchanged")
