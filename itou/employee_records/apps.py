from django.apps import AppConfig


class EmployeeRecordsConfig(AppConfig):
    name = "itou.employee_records"
    verbose_name = "Fiches salarié ASP"
