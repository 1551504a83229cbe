"""Errors clients may see: coded domain errors and every error raised before execution
(parsing, validation, limits, variable coercion: the request's own mistakes, `BAD_INPUT`).

Everything else (database messages, stack traces) is masked as "Unexpected error."
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from graph.core.errors import DomainError

log = logging.getLogger("refnet.api")


def _domain_error(error: GraphQLError) -> DomainError | None:
    original: BaseException | None = error.original_error
    while original is not None and not isinstance(original, DomainError):
        original = getattr(original, "original_error", None) or original.__cause__
    return original if isinstance(original, DomainError) else None


def is_request_error(error: GraphQLError) -> bool:
    """Raised before any field ran (no path): the document or its variables are at fault."""
    return error.path is None


def should_mask(error: GraphQLError) -> bool:
    """Mask all but coded domain errors and the request's own mistakes."""
    return _domain_error(error) is None and error.original_error is not None and not is_request_error(error)


def log_errors(errors: list[GraphQLError]) -> None:
    """A client's mistake is one line at INFO; anything else is logged with its traceback."""
    for error in errors:
        domain = _domain_error(error)
        if domain is not None:
            log.info("%s at %s: %s", domain.code, error.path, domain.message)
        elif error.original_error is None or is_request_error(error):
            log.info("invalid request: %s", error.message)
        else:
            log.error("unexpected error at %s", error.path, exc_info=error.original_error)


class CodedErrors(MaskErrors):
    """MaskErrors that also gives every visible error its `extensions.code`."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask, error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in super()._process_errors(errors):
            domain = _domain_error(error)
            if domain is not None:
                error = GraphQLError(domain.message, error.nodes, error.source, error.positions, error.path,
                                     extensions={"code": domain.code})
            elif (error.original_error is None or is_request_error(error)) and not (error.extensions or {}).get("code"):
                code = "INTERNAL" if error.message == self.error_message and error.path else "BAD_INPUT"
                error = GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                                     extensions={"code": code})
            processed.append(error)
        return processed
