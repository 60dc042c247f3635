from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Year-end assessment")

    def ready(self):
        from accounts.menu import register_badge
        from assessment.monitoring import my_open_alert_count, my_work_alerts
        from cases.extensions import register_my_work_provider

        register_my_work_provider(my_work_alerts)
        register_badge("cases:my_work", my_open_alert_count, _("open alerts"))
