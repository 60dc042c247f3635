from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Aid programs")

    def ready(self):
        from cases.extensions import register_household_page_provider
        from programs.selectors import household_aid

        register_household_page_provider(household_aid)
