"""Lets apps that build on cases add to the household page without cases importing them (dependencies point one way).

A provider is `provider(context) -> None`: it may append to `context["panels"]` (dicts with a "template" to include)
and to `context["timeline"]` (items with "at", "kind" and a "template"), and may set `links` on the plan's measures.
Each provider must read in a fixed number of queries.
"""

from collections.abc import Callable

_household_page_providers: list[Callable[[dict], None]] = []


def register_household_page_provider(provider: Callable[[dict], None]) -> None:
    if provider not in _household_page_providers:
        _household_page_providers.append(provider)


def extend_household_page(context: dict) -> dict:
    context.setdefault("panels", [])
    for provider in _household_page_providers:
        provider(context)
    context["timeline"].sort(key=lambda item: item["at"], reverse=True)
    return context
