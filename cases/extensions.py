"""Lets apps that build on cases add to its pages without cases importing them (dependencies point one way).

A household page provider is `provider(context) -> None`: it may append to `context["panels"]` (dicts with a
"template" to include) and to `context["timeline"]` (items with "at", "kind" and a "template"), and may set `links` on
the plan's measures. A My work provider is `provider(context) -> None` too: it may append to `context["panels"]`,
shown at the top of the page; the context holds the "user" and "today".
A returned source is `source(user) -> QuerySet` of the events (with an `at` field) by which something of the user's
came back to them: returned for correction or rejected by someone else. My work lists them and counts the new ones.
Each provider must read in a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

_household_page_providers: list[Callable[[dict], None]] = []
_my_work_providers: list[Callable[[dict], None]] = []


def register_household_page_provider(provider: Callable[[dict], None]) -> None:
    if provider not in _household_page_providers:
        _household_page_providers.append(provider)


def extend_household_page(context: dict) -> dict:
    context.setdefault("panels", [])
    for provider in _household_page_providers:
        provider(context)
    context["timeline"].sort(key=lambda item: item["at"], reverse=True)
    return context


def register_my_work_provider(provider: Callable[[dict], None]) -> None:
    if provider not in _my_work_providers:
        _my_work_providers.append(provider)


def extend_my_work(context: dict) -> dict:
    context.setdefault("panels", [])
    for provider in _my_work_providers:
        provider(context)
    return context


@dataclass(frozen=True)
class ReturnedSource:
    events: Callable  # events(user) -> QuerySet of events with `at`, joined for `template`
    template: str  # shows one such event as `event`
    household: str  # the lookup from an event to its household, e.g. "file__household"


_returned_sources: list[ReturnedSource] = []


def register_returned_source(events: Callable, template: str, household: str) -> None:
    if not any(source.events is events for source in _returned_sources):
        _returned_sources.append(ReturnedSource(events, template, household))


def returned_sources() -> list[ReturnedSource]:
    return list(_returned_sources)
