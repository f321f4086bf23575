from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from .auth import remember_login
from .forms import FirstPasswordChangeForm


class LoginView(auth_views.LoginView):
    """Django's login, with 「ログインしたままにする」: unchecked, the login ends when the
    browser closes (see ``core.auth.remember_login``)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_login(self.request.session, remember=bool(form.cleaned_data.get("remember")))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = FirstPasswordChangeForm
    success_url = reverse_lazy("password_change_done")
    template_name = "registration/password_change_form.html"


def platform_home(request):
    """The platform host's page: every city served here, each linked to its own host."""
    from core.cities import city_url
    from core.models import Municipality

    cities = [
        {"city": city, "url": city_url(city, request)}
        for city in Municipality.objects.prefetch_related("hosts").order_by(
            "local_government_code", "pk"
        )
    ]
    return render(request, "platform/home.html", {"cities": cities})
