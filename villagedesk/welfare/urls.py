from django.urls import path

from villagedesk.welfare import views

app_name = "welfare"
urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("gaps/", views.gap_report, name="gap-report"),
    path("gaps/export/", views.gap_export, name="gap-export"),
    path("gaps/check/", views.gap_check, name="gap-check"),
    path("gaps/refer/", views.gap_refer, name="gap-refer"),
    path("households/<int:pk>/", views.household_explain, name="household-explain"),
    path("households/<int:pk>/income/", views.income_edit, name="income-edit"),
    path("households/<int:pk>/helper/", views.helper_edit, name="helper-edit"),
    path("enrolments/", views.enrolment_list, name="enrolment-list"),
    path("enrolments/new/", views.enrolment_create, name="enrolment-create"),
    path("enrolments/import/", views.enrolment_import, name="enrolment-import"),
    path("care/<slug:code>/", views.care_list, name="care-list"),
    path("poverty/", views.poverty_status, name="poverty-status"),
    path("policies/<slug:code>/rule/", views.rule_edit, name="rule-edit"),
    path("parameters/", views.parameter_list, name="parameter-list"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/new/", views.monitored_create, name="monitored-create"),
    path("monitoring/<int:pk>/", views.monitored_detail, name="monitored-detail"),
    path("monitoring/<int:pk>/edit/", views.monitored_edit, name="monitored-edit"),
]
