"""Limits a GraphQL document meets before it runs: size and tokens (checked before parsing),
aliases, depth and a cost estimate (checked on the parsed document, before validation), so an
abusive document costs the server a few milliseconds and never a validation pass.

Each limit has a setting (environment variable) so a deployment can tighten or relax it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
)
from strawberry.extensions import SchemaExtension


def _setting(name: str, default: int) -> int:
    text = os.environ.get(name)
    return int(text) if text and text.isascii() and text.isdigit() else default


@dataclass(frozen=True)
class Limits:
    body_bytes: int = 1 << 20       # REFNET_MAX_BODY_BYTES: a whole HTTP request body
    query_chars: int = 16 * 1024    # REFNET_MAX_QUERY_CHARS: the document text
    tokens: int = 4_000             # REFNET_MAX_QUERY_TOKENS: parser tokens
    aliases: int = 30               # REFNET_MAX_ALIASES
    depth: int = 12                 # REFNET_MAX_QUERY_DEPTH: nesting of selections
    cost: int = 20_000              # REFNET_MAX_QUERY_COST: estimate, see `document_cost`

    @classmethod
    def from_environment(cls) -> "Limits":
        base = cls()
        return cls(
            body_bytes=_setting("REFNET_MAX_BODY_BYTES", base.body_bytes),
            query_chars=_setting("REFNET_MAX_QUERY_CHARS", base.query_chars),
            tokens=_setting("REFNET_MAX_QUERY_TOKENS", base.tokens),
            aliases=_setting("REFNET_MAX_ALIASES", base.aliases),
            depth=_setting("REFNET_MAX_QUERY_DEPTH", base.depth),
            cost=_setting("REFNET_MAX_QUERY_COST", base.cost),
        )


LIMITS = Limits.from_environment()
LIST_FACTOR = 10  # a list field is estimated to return this many items


class OverLimit(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Walk:
    """One pass over the operation: counts aliases, tracks depth, adds up cost; stops at the
    first limit exceeded, so its own work is bounded by the limits."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, limits: Limits) -> None:
        self.schema, self.limits = schema, limits
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.aliases = 0
        self.cost = 0

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLObjectType | None,
                   depth: int, factor: int) -> None:
        if selection_set is None:
            return
        if depth > self.limits.depth:
            raise OverLimit(f"the query exceeds maximum operation depth: {depth} levels of selections, "
                           f"at most {self.limits.depth}")
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, depth, factor)
            elif isinstance(selection, InlineFragmentNode):
                self.selections(selection.selection_set, self.type_named(selection.type_condition, parent), depth,
                                factor)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    self.selections(fragment.selection_set, self.type_named(fragment.type_condition, parent),
                                    depth, factor)

    def type_named(self, condition: object, parent: GraphQLObjectType | None) -> GraphQLObjectType | None:
        name = getattr(getattr(condition, "name", None), "value", None)
        found = self.schema.get_type(name) if name else parent
        return found if isinstance(found, GraphQLObjectType) else None

    def field(self, node: FieldNode, parent: GraphQLObjectType | None, depth: int, factor: int) -> None:
        if node.alias is not None:
            self.aliases += 1
            if self.aliases > self.limits.aliases:
                raise OverLimit(f"the query uses more than {self.limits.aliases} aliases")
        self.cost += factor
        if self.cost > self.limits.cost:
            raise OverLimit(f"the query's estimated cost exceeds {self.limits.cost}; ask for fewer fields "
                            "or fewer nested lists")
        definition = parent.fields.get(node.name.value) if parent is not None else None
        child_factor, child_type = factor, None
        if definition is not None:
            field_type = definition.type
            if isinstance(field_type, GraphQLNonNull):
                field_type = field_type.of_type
            if isinstance(field_type, GraphQLList):
                child_factor = factor * LIST_FACTOR
            named = get_named_type(field_type)
            child_type = named if isinstance(named, GraphQLObjectType) else None
        self.selections(node.selection_set, child_type, depth + 1, child_factor)


def check_document(schema: GraphQLSchema, document: DocumentNode, limits: Limits = LIMITS) -> None:
    """Raises OverLimit when any operation of `document` exceeds the alias, depth or cost limit."""
    walk = _Walk(schema, document, limits)
    roots = {OperationType.QUERY: schema.query_type, OperationType.MUTATION: schema.mutation_type,
             OperationType.SUBSCRIPTION: schema.subscription_type}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk.selections(definition.selection_set, roots.get(definition.operation), 1, 1)


@lru_cache(maxsize=256)
def _validate(schema: GraphQLSchema, document: DocumentNode, rules: tuple) -> list[GraphQLError]:
    return validate(schema, document, rules)


class DocumentLimits(SchemaExtension):
    """Sets the parser's token limit, checks the other limits before validating, and validates
    through a process-wide cache (keyed by the same rule classes on every request)."""

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = LIMITS.tokens
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            try:
                check_document(context.schema._schema, document)
            except OverLimit as over:
                context.pre_execution_errors = [GraphQLError(over.message, extensions={"code": "BAD_INPUT"})]
            else:
                context.pre_execution_errors = _validate(context.schema._schema, document,
                                                         tuple(context.validation_rules))
        yield


@lru_cache(maxsize=256)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


class CachedParse(SchemaExtension):
    """Parses through a process-wide cache; a document that does not parse is left to strawberry,
    which reports the syntax error to the client."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = _parse(context.query, LIMITS.tokens)
        yield
