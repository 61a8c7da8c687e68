"""Many-to-many changes bypass ``Model.save``; this guard keeps a frozen
rubric version frozen there too (Product §2)."""

from django.db.models.signals import m2m_changed

from keeper.errors import Frozen
from rubric.models import Question, RubricRound, rubric_is_frozen

GUARDED_ACTIONS = {"pre_add", "pre_remove", "pre_clear"}


def refuse_frozen_m2m(sender, instance, action, **kwargs) -> None:
    if action in GUARDED_ACTIONS and getattr(instance, "rubric_id", None) and rubric_is_frozen(instance.rubric_id):
        raise Frozen("This rubric version is frozen; create a new draft version to change it.")


def connect() -> None:
    m2m_changed.connect(refuse_frozen_m2m, sender=RubricRound.values_in_focus.through, dispatch_uid="rr_focus")
    m2m_changed.connect(refuse_frozen_m2m, sender=Question.values.through, dispatch_uid="q_values")
