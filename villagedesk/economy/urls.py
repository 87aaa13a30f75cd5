from django.urls import path

from villagedesk.economy import views

app_name = "economy"

urlpatterns = [
    path("", views.rollup, name="rollup"),
    path("cooperatives/", views.cooperative_list, name="cooperative-list"),
    path("cooperatives/new/", views.cooperative_create, name="cooperative-create"),
    path("cooperatives/<id:pk>/", views.cooperative_detail, name="cooperative-detail"),
    path("cooperatives/<id:pk>/edit/", views.cooperative_edit, name="cooperative-edit"),
    path("cooperatives/<id:pk>/members/", views.member_add, name="member-add"),
    path("cooperatives/<id:pk>/dividends/", views.distribution_record, name="dividend-record"),
    path("members/<id:pk>/remove/", views.member_remove, name="member-remove"),
    path("dividends/<id:pk>/remove/", views.distribution_remove, name="dividend-remove"),
    path("villages/<str:code>/collective/", views.collective, name="collective"),
    path("villages/<str:code>/collective/edit/", views.collective_edit, name="collective-edit"),
    path(
        "villages/<str:code>/collective/members/",
        views.collective_member_add,
        name="collective-member-add",
    ),
    path("villages/<str:code>/collective/income/", views.income_add, name="income-add"),
    path("villages/<str:code>/collective/spending/", views.spending_add, name="spending-add"),
    path("villages/<str:code>/collective/capitals/", views.capital_add, name="capital-add"),
    path(
        "collective-members/<id:pk>/end/",
        views.collective_member_end,
        name="collective-member-end",
    ),
    path("income/<id:pk>/remove/", views.income_remove, name="income-remove"),
    path("spending/<id:pk>/remove/", views.spending_remove, name="spending-remove"),
    path("capitals/<id:pk>/remove/", views.capital_remove, name="capital-remove"),
    path("villages/<str:code>/land/", views.village_land, name="village-land"),
    path("households/<id:pk>/land/", views.household_land, name="household-land"),
    path("households/<id:pk>/plots/new/", views.plot_create, name="plot-create"),
    path("plots/<id:pk>/edit/", views.plot_edit, name="plot-edit"),
    path("plots/<id:pk>/remove/", views.plot_remove, name="plot-remove"),
    path("plots/<id:pk>/transfers/new/", views.transfer_create, name="transfer-create"),
    path("transfers/<id:pk>/edit/", views.transfer_edit, name="transfer-edit"),
    path("transfers/<id:pk>/remove/", views.transfer_remove, name="transfer-remove"),
    path("transfers/<id:pk>/rent/", views.rent_record, name="rent-record"),
    path("rent/<id:pk>/remove/", views.rent_remove, name="rent-remove"),
]
