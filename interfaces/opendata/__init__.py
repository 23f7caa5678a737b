"""Open data: nightly GeoPackage/CSV downloads with a DCAT-AP.de catalogue (``/opendata/``) and the
public statistics pages (``/statistik/``). An interface like ``web`` and ``ogcapi``: it reads through
the domain selectors and writes nothing but its export files."""
