"""The login form of a city's host: one Japanese message for every refused login."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from core.auth import remembered_login_days


class CityAuthenticationForm(AuthenticationForm):
    """Django's login form whose refusal also says that accounts belong to one city.

    A wrong password, an unknown login and an account of another city (refused by
    ``core.auth.CityModelBackend``) read the same, so the form does not tell which logins
    exist in which city.
    """

    remember = forms.BooleanField(
        label="ログインしたままにする",
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_remember_help"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        city = getattr(request, "municipality", None)
        minutes = city.session_idle_minutes if city is not None else settings.SESSION_IDLE_MINUTES
        self.fields["remember"].help_text = (
            "チェックしないと、ブラウザーを閉じたときにログアウトします。"
            f"チェックすると、閉じてもログインしたままになります（最長{remembered_login_days()}日）。"
            f"どちらの場合も、操作がないまま{minutes}分が過ぎるとログアウトします。"
            "共用のパソコンではチェックしないでください。"
        )

    def get_invalid_login_error(self):
        error = super().get_invalid_login_error()
        error.message = invalid_login_message(getattr(self.request, "municipality", None))
        error.params = None
        return error


def invalid_login_message(city) -> str:
    if city is None:
        who = "プラットフォーム運営者のアカウントではないか"
    else:
        who = f"この自治体（{city.name}）のポータルの利用者ではないか"
    return (
        f"{who}、ユーザー名またはパスワードが違います。"
        "正しいユーザー名とパスワードを入力してください（大文字と小文字は区別されます）。"
        "他の自治体の事務局・職員の方は、その自治体のポータルからログインしてください。"
    )
