from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Households and files")

    def ready(self):
        from accounts.menu import register_badge
        from cases.extensions import register_returned_source
        from cases.returned import returned_count, returned_files

        register_returned_source(returned_files, "cases/_returned_file.html", "file__household")
        register_badge("cases:my_work", returned_count, _("came back to me"))
