"""Staff sign-in and sign-out: ``/anmelden/`` and ``/abmelden/``.

Outside the ``staff`` namespace on purpose: ``LOGIN_URL``, Django's auth views and the templates know them
by their plain names ``login`` and ``logout``.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from interfaces.staff.directory_login import directory_callback, directory_login
from interfaces.staff.two_factor import StaffLoginView, login_code

urlpatterns = [
    path("anmelden/", StaffLoginView.as_view(), name="login"),
    path("anmelden/code/", login_code, name="login-code"),
    path("anmelden/verzeichnis/", directory_login, name="login-directory"),
    path("anmelden/verzeichnis/zurueck/", directory_callback, name="login-directory-callback"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
]
