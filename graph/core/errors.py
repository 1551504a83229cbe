"""Domain errors: each carries a code that api.md lets clients see (everything else is masked)."""


class DomainError(Exception):
    code = "BAD_INPUT"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(DomainError):
    code = "BAD_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Unavailable(DomainError):
    """The database is restarting or unreachable: nothing was done, or (for a write whose answer
    was lost) it may have been; the client retries later."""

    code = "UNAVAILABLE"


class StatementTimedOut(Unavailable):
    """The database did not answer a statement within the configured time (REFNET_DB_TIMEOUT)."""
