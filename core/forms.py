from django.contrib.auth.forms import PasswordChangeForm


class FirstPasswordChangeForm(PasswordChangeForm):
    """Password change that also clears the issued-password flag."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = False
        if commit:
            user.save(update_fields=["password", "must_change_password"])
        return user
