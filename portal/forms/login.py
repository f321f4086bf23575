"""The login form of a city's host: one Japanese message for every refused login."""

from django.contrib.auth.forms import AuthenticationForm


class CityAuthenticationForm(AuthenticationForm):
    """Django's login form whose refusal also says that accounts belong to one city.

    A wrong password, an unknown login and an account of another city (refused by
    ``core.auth.CityModelBackend``) read the same, so the form does not tell which logins
    exist in which city.
    """

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
