from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .forms import FirstPasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = FirstPasswordChangeForm
    success_url = reverse_lazy("password_change_done")
    template_name = "registration/password_change_form.html"
