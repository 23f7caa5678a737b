"""URLs of OGC API – Features (``/ogcapi/``)."""

from django.urls import path

from interfaces.ogcapi import views

urlpatterns = [
    path("ogcapi", views.landing),
    path("ogcapi/", views.landing, name="ogcapi-landing"),
    path("ogcapi/api", views.api, name="ogcapi-api"),
    path("ogcapi/conformance", views.conformance, name="ogcapi-conformance"),
    path("ogcapi/collections", views.collections, name="ogcapi-collections"),
    path("ogcapi/collections/<str:name>", views.collection, name="ogcapi-collection"),
    path("ogcapi/collections/<str:name>/items", views.items, name="ogcapi-items"),
    path("ogcapi/collections/<str:name>/items/<str:feature_id>", views.item, name="ogcapi-item"),
]
