"""Small helpers over plain collections shared by the apps' validation."""

from collections.abc import Hashable, Iterable


def repeated(items: Iterable[Hashable]) -> list:
    """The items that occur more than once, each listed once, in order of first repeat."""
    seen, again = set(), []
    for item in items:
        if item in seen and item not in again:
            again.append(item)
        seen.add(item)
    return again
