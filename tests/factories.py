import factory

from accounts import services
from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试工会{n}")
    code = factory.Sequence(lambda n: f"T{n:06d}")
    kind = OrganizationKind.COUNTY
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Paths come from the service, as in the application.
        return services.organization_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("s3cret-pass")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            services.user_set_role(user=obj, role=Role(extracted))
