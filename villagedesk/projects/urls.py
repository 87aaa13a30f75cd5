from django.urls import path

from villagedesk.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("overview/", views.rollup, name="rollup"),
    path("<id:pk>/", views.project_detail, name="project-detail"),
    path("<id:pk>/edit/", views.project_edit, name="project-edit"),
    path("<id:pk>/stages/<slug:stage>/edit/", views.stage_edit, name="stage-edit"),
    path("<id:pk>/budget/edit/", views.budget_edit, name="budget-edit"),
    path("<id:pk>/spending/new/", views.spending_create, name="spending-create"),
    path("<id:pk>/spending/<id:spending>/edit/", views.spending_edit, name="spending-edit"),
    path("<id:pk>/spending/<id:spending>/remove/", views.spending_delete, name="spending-delete"),
    path("<id:pk>/beneficiaries/new/", views.beneficiary_create, name="beneficiary-create"),
    path(
        "<id:pk>/beneficiaries/<id:beneficiary>/remove/",
        views.beneficiary_delete,
        name="beneficiary-delete",
    ),
    path("<id:pk>/wages/new/", views.wage_create, name="wage-create"),
    path("<id:pk>/wages/<id:payment>/remove/", views.wage_delete, name="wage-delete"),
    path("<id:pk>/assets/new/", views.asset_create, name="asset-create"),
    path("assets/<id:pk>/", views.asset_detail, name="asset-detail"),
    path("assets/<id:pk>/income/new/", views.asset_income_create, name="asset-income-create"),
    path(
        "assets/<id:pk>/income/<id:income>/edit/",
        views.asset_income_edit,
        name="asset-income-edit",
    ),
    path(
        "assets/<id:pk>/income/<id:income>/remove/",
        views.asset_income_delete,
        name="asset-income-delete",
    ),
    path("assets/<id:pk>/shares/new/", views.distribution_create, name="distribution-create"),
    path(
        "assets/<id:pk>/shares/<id:share>/edit/",
        views.distribution_edit,
        name="distribution-edit",
    ),
    path(
        "assets/<id:pk>/shares/<id:share>/remove/",
        views.distribution_delete,
        name="distribution-delete",
    ),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<id:pk>/edit/", views.plan_edit, name="plan-edit"),
]
