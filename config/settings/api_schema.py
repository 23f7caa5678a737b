"""The OpenAPI schema of the REST API (drf-spectacular). Kept apart from base.py, which star-imports it."""

SPECTACULAR_SETTINGS = {
    "TITLE": "Mängelmelder Sachsen API",
    "DESCRIPTION": (
        "Mängelmeldungen, Gemeindegrenzen und Sondernutzungen für die Gemeinden des Freistaats Sachsen. "
        "Koordinaten in WGS84 (EPSG:4326, Längengrad/Breitengrad). "
        "Gemeindegrenzen: © GeoBasis-DE / BKG (Jahr der Ausgabe im Feld attribution), dl-de/by-2-0, Daten verändert."
    ),
    "VERSION": "1.0.0",
    # 3.1, not 3.0: only 3.1 can express a nullable nested object (see interfaces/api/schema.py).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "interfaces.api.schema.postprocess",
    ],
    "ENUM_NAME_OVERRIDES": {
        "GisFeatureEnum": ("Feature",),
        "GisFeatureCollectionEnum": ("FeatureCollection",),
        "GeoJSONPointTypeEnum": ("Point",),
        "ReportStatusEnum": "domains.reports.workflow.ReportStatus",
        "PermitStatusEnum": "domains.permits.workflow.PermitStatus",
    },
}
