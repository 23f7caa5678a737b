"""Template filters ``{% load amounts %}`` for every page, staff page, notice and mail: ``number``
(quantities, rates, factors), ``amount`` (money, two decimals, no sign — under a "Betrag (EUR)" heading),
``euro`` (money with "€"). Registered in ``TEMPLATES["OPTIONS"]["libraries"]``: a kernel module is no
app, and the domains' notices and mails may not load a library of the web interface."""

from __future__ import annotations

from django import template

from kernel.core.amounts import format_amount, format_euro, format_number

register = template.Library()
register.filter("number", format_number)
register.filter("amount", format_amount)
register.filter("euro", format_euro)
