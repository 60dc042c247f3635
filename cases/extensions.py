"""Lets apps that build on cases add to its pages without cases importing them (dependencies point one way).

A household page provider is `provider(context) -> None`: it may append to `context["panels"]` (dicts with a
"template" to include) and to `context["timeline"]` (items with "at", "kind" and a "template"), and may set `links` on
the plan's measures. A My work provider is `provider(context) -> None` too: it may append to `context["panels"]`,
shown at the top of the page; the context holds the "user" and "today".
Each provider must read in a fixed number of queries.
"""

from collections.abc import Callable

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
