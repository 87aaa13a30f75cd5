from django.urls import path

from villagedesk.welfare.views import (
    care_lists,
    enrolments,
    gap_report,
    household_pages,
    local_parameters,
    monitoring_cases,
    policies_and_rules,
    poverty_status,
)

app_name = "welfare"
urlpatterns = [
    path("", policies_and_rules.policy_list, name="policy-list"),
    path("gaps/", gap_report.gap_report, name="gap-report"),
    path("gaps/export/", gap_report.gap_export, name="gap-export"),
    path("gaps/check/", gap_report.gap_check, name="gap-check"),
    path("gaps/refer/", gap_report.gap_refer, name="gap-refer"),
    path("households/<id:pk>/", household_pages.household_explain, name="household-explain"),
    path("households/<id:pk>/income/", household_pages.income_edit, name="income-edit"),
    path("households/<id:pk>/helper/", household_pages.helper_edit, name="helper-edit"),
    path("enrolments/", enrolments.enrolment_list, name="enrolment-list"),
    path("enrolments/new/", enrolments.enrolment_create, name="enrolment-create"),
    path("enrolments/import/", enrolments.enrolment_import, name="enrolment-import"),
    path("care/<slug:code>/", care_lists.care_list, name="care-list"),
    path("poverty/", poverty_status.poverty_status, name="poverty-status"),
    path("policies/<slug:code>/rule/", policies_and_rules.rule_edit, name="rule-edit"),
    path("parameters/", local_parameters.parameter_list, name="parameter-list"),
    path("monitoring/", monitoring_cases.monitoring_overview, name="monitoring"),
    path("monitoring/new/", monitoring_cases.monitored_create, name="monitored-create"),
    path("monitoring/<id:pk>/", monitoring_cases.monitored_detail, name="monitored-detail"),
    path("monitoring/<id:pk>/edit/", monitoring_cases.monitored_edit, name="monitored-edit"),
]
