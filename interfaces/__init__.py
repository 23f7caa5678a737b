"""HTTP interfaces — web pages, staff pages, REST API and Open311, OGC API, open data.

Independent of each other (import-linter); they call services and selectors of the tiers below."""
