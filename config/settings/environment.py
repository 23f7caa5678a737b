"""The one reader of the environment for every settings module.

``base.py`` and the modules it star-imports (citizens, mail limits, parking cards, secret keys) all read
through this object, so ``.env`` is parsed once per process rather than once per module.
"""

from config.env import BASE_DIR, Env

env = Env(dotenv=BASE_DIR / ".env")
