"""What the three interfaces (``api``, ``web``, ``staff``) share about a request, so none imports another:
query-parameter parsing with a German 400 per bad value (``params``), the report and queue filters built
from them (``filters``) and the rate limits that hold across interfaces (``throttling``).

Neutral ground between the interfaces and the domains: it may import ``reports``/``permits`` and below,
never ``api``, ``web`` or ``staff`` (checked by import-linter, see ``pyproject.toml``). No models, no views.
"""
