"""keeper.lean builds model instances without Model.__init__ (issue #9): they must be the
instances the ORM builds from the same row, and a model whose construction someone listens to
must still be built the ORM's way."""

import pytest
from django.db.models.signals import post_init

from keeper.lean import from_db
from loops.models import Candidate
from scorecards.models import Scorecard, ValueRating
from tests.conftest import assign

pytestmark = pytest.mark.django_db


def test_an_instance_from_a_row_is_the_one_the_orm_loads(loop, alice):
    card = assign(loop, "coding", alice)
    names = ["id", "loop_id", "interviewer_id", "status", "version", "created_at"]
    row = Scorecard.objects.values(*names).get(pk=card.pk)

    lean = from_db(Scorecard, row)
    orm = Scorecard.objects.only(*[n.removesuffix("_id") for n in names]).get(pk=card.pk)

    assert lean == orm and type(lean) is Scorecard
    assert {n: getattr(lean, n) for n in names} == {n: getattr(orm, n) for n in names}
    assert lean.get_deferred_fields() == orm.get_deferred_fields()
    assert (lean._state.adding, lean._state.db) == (orm._state.adding, orm._state.db) == (False, "default")
    # A field not read loads when first used, and a foreign key resolves, as on the ORM's.
    assert lean.updated_at == orm.updated_at
    assert lean.interviewer == alice and lean.loop == loop


def test_a_key_that_is_no_field_is_left_out(loop, alice):
    card = assign(loop, "coding", alice)

    lean = from_db(Scorecard, {"id": card.pk, "version": 1, "not_a_field": "x"})

    assert "not_a_field" not in lean.__dict__ and lean.version == 1


def test_a_model_with_a_construction_listener_is_built_by_the_orm(loop, alice):
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    post_init.connect(listener, sender=ValueRating)
    try:
        made = from_db(ValueRating, {"id": 7, "value_id": 3, "rating": 2, "evidence": "x", "pending": False})
        other = from_db(Scorecard, {"id": 1})
    finally:
        post_init.disconnect(listener, sender=ValueRating)

    assert heard == [made]  # the ValueRating was built through __init__, which sent post_init
    assert made.get_deferred_fields() == {"revision_id"}
    assert other.get_deferred_fields() == {f.attname for f in Scorecard._meta.concrete_fields} - {"id"}


def test_a_values_update_refuses_text_too_long_for_its_column_instead_of_cutting_it(candidate):
    """rows_update_sql casts its VALUES to unbounded types: an explicit cast to varchar(n) would
    silently cut the text, where a plain UPDATE refuses it."""
    from django.db import DataError, connection, transaction

    from keeper.lean import rows_update_sql

    limit = Candidate._meta.get_field("name").max_length
    candidate.name = "x" * (limit + 1)
    sql, params = rows_update_sql(Candidate, ["name"], [candidate])

    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    candidate.refresh_from_db()
    assert len(candidate.name) < limit
