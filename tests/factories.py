import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.services import roles_ensure

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        roles_ensure()
        self.groups.set(Group.objects.filter(name__in=extracted))


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "loops.Candidate"

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.com")
    level = "senior"
