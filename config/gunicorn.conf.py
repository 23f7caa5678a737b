"""gunicorn settings shared by ``scripts/serve.sh`` (``--config config/gunicorn.conf.py``).

The access log names the path, never the query string: Open311 clients may send their ``api_key`` in
it (``?api_key=…``), and a log file is read by more people and kept longer than the key's owner expects.
Referrer and user agent are left out for the same reason (a referrer carries another page's query).
gunicorn's default format would log the whole request line (``%(r)s``).
"""

access_log_format = '%(h)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
