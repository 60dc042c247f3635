from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Aid programs")

    def ready(self):
        from cases.extensions import register_household_page_provider, register_returned_source
        from programs.selectors import household_aid, returned_applications

        register_household_page_provider(household_aid)
        register_returned_source(returned_applications, "programs/_returned_application.html", "application__household")
