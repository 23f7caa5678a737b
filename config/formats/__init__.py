"""Local format overrides (``FORMAT_MODULE_PATH``): Django's defaults for a language, changed where a Saxon
service should not look like a US one."""
