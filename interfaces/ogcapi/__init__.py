"""OGC API – Features (Part 1 Core, GeoJSON; Part 2 CRS) at ``/ogcapi/``: public reports, approved
permits, communes and districts for GIS users (QGIS, GDAL's OAPIF driver). See README "OGC API – Features".
"""
