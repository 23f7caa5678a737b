"""Open311 GeoReport v2 at ``/open311/v2/`` (plus ``/open311/discovery.{xml,json}``).

The published specification (wiki.open311.org/GeoReport_v2) is followed exactly, in XML and JSON; where
it leaves a choice we do what FixMyStreet, Mark-a-Spot and the common client libraries expect (see the
comments at each place). Reports are created by the same ``domains.reports.services.report_create`` as the REST
API and the web form, so validation, photo pipeline, commune assignment and throttling are the same.
"""
