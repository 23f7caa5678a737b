"""The written documents of permits: PDF/A-2b rendering (``rendering``, ``pdfa``) and one
renderer per notice kind (``notices``). Storing and auditing them is ``domains.permits.services.notices``."""
