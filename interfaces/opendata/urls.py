from django.urls import path, re_path

from interfaces.opendata import views
from interfaces.opendata.statistics import views as statistics_views

app_name = "opendata"
TABLE = r"(?P<table>[a-z]+)\.csv"

urlpatterns = [
    path("opendata/", views.downloads, name="downloads"),
    path("opendata/catalog.ttl", views.catalogue_turtle, name="catalogue-ttl"),
    path("opendata/catalog.jsonld", views.catalogue_jsonld, name="catalogue-jsonld"),
    path("opendata/<str:date>/<str:name>", views.download, name="download"),
    path("statistik/", statistics_views.state, name="statistics"),
    re_path(rf"^statistik/{TABLE}$", statistics_views.state_csv, name="statistics-csv"),
    re_path(r"^statistik/gemeinden/(?P<ags>\d{8})/$", statistics_views.commune, name="statistics-commune"),
    re_path(rf"^statistik/gemeinden/(?P<ags>\d{{8}})/{TABLE}$", statistics_views.commune_csv),
    re_path(r"^statistik/(?P<ags>\d{5})/$", statistics_views.district, name="statistics-district"),
    re_path(rf"^statistik/(?P<ags>\d{{5}})/{TABLE}$", statistics_views.district_csv),
]
