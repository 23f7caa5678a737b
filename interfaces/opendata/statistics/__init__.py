"""The public statistics pages ``/statistik/``: views and SVG charts."""
