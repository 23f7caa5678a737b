"""Staff sign-in and sign-out: ``/anmelden/`` and ``/abmelden/``.

Outside the ``staff`` namespace on purpose: ``LOGIN_URL``, Django's auth views and the templates know them
by their plain names ``login`` and ``logout``.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from staff.forms import LoginForm

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
]
