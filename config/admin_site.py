"""The Django admin ``/admin/`` opens only for sessions confirmed with the second factor (issue 25, item 13).

The admin reaches every commune's data, so *every* account allowed into it (Django's ``is_staff``) needs a
second factor, whatever its organisation role; on the staff pages only organisation admins must have one
(``kernel.organisations.second_factor.second_factor_required``), and this site extends that rule to the admin.
The admin has no password form of its own: its login page sends to the staff login (password, then the
TOTP or a recovery code, django-axes lock-out included), so there is one way in. A signed-in person the
admin does not let in gets a German page saying why and where to set up or confirm the second factor
(``/verwaltung/zwei-faktor/``, open to operators without a membership), never a redirect loop.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from kernel.organisations.second_factor import confirmed_device


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # is_verified: set by django-otp's middleware once this session passed a code (interfaces.staff.two_factor).
        return super().has_permission(request) and request.user.is_verified()

    def _next_url(self, request: HttpRequest) -> str:
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
            return wanted
        return reverse("admin:index", current_app=self.name)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Not a form: anonymous people go to the staff login, the others see why they may not enter."""
        next_url = self._next_url(request)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        context = {
            **self.each_context(request),
            "title": "Zugang zur Verwaltung (Django-Admin)",
            "may_enter": user.is_active and user.is_staff,
            "has_device": confirmed_device(user) is not None,
            "setup_url": f"{reverse('staff:second-factor')}?{urlencode({'next': next_url})}",
        }
        return TemplateResponse(request, "admin/second_factor_required.html", context, status=403)
