from django import template

register = template.Library()


@register.filter
def label(value) -> str:
    """An API code as words: "on_track" → "On track", "no_evidence" → "No evidence"."""
    return str(value).replace("_", " ").capitalize()
