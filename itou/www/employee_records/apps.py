from django.apps import AppConfig


class EmployeeRecordsViewsConfig(AppConfig):
    name = "itou.www.employee_records"
    label = "www_employee_records"
