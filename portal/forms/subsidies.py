"""The secretary's small forms on an application: withdraw, change request (the report's
form is subsidies.forms.ReportForm, shared with staff's 窓口代行入力); and the files chosen
on an application form before it is saved."""

import secrets

from django import forms
from django.core.files import File
from django.core.files.storage import default_storage

from subsidies.forms import YenFormField


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label="取下げの理由", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChangeRequestForm(forms.Form):
    amount = YenFormField(label="変更後の申請額（円）")
    comment = forms.CharField(label="変更の理由", widget=forms.Textarea(attrs={"rows": 4}))


class PendingUploads:
    """Files chosen on an application form that was not saved yet, so that a rejected form
    keeps them: each is stored in the default storage under a random key and listed in the
    user's session with the form it was chosen on (its ``form_token``), so that two forms
    open side by side do not drop each other's files. The page carries only the keys; a
    key of another session is unknown here and ignored."""

    SESSION_KEY = "subsidy_pending_uploads"
    FOLDER = "pending-uploads"
    LIMIT = 20  # per session: an abandoned form cannot pile up files without end

    def __init__(self, session, form_token: str = ""):
        self.session = session
        self.form_token = form_token
        self.items: dict[str, dict] = dict(session.get(self.SESSION_KEY, {}))

    def _save(self) -> None:
        self.session[self.SESSION_KEY] = self.items

    def add(self, upload, content_type: str) -> str:
        if len(self.items) >= self.LIMIT:
            self.discard([next(iter(self.items))])
        key = secrets.token_urlsafe(18)
        upload.seek(0)
        path = default_storage.save(f"{self.FOLDER}/{key}", upload)
        self.items[key] = {
            "name": upload.name[:200],
            "path": path,
            "content_type": content_type,
            "size": upload.size,
            "form": self.form_token,
        }
        self._save()
        return key

    def keep_only(self, keys) -> list[str]:
        """Keep the files whose keys the page sent back (in that order); the others of this
        form, which the secretary unticked, are deleted. Returns the kept keys."""
        kept = [key for key in dict.fromkeys(keys) if key in self.items]
        self.discard(
            [
                key
                for key, item in self.items.items()
                if key not in kept and item.get("form") == self.form_token
            ]
        )
        return kept

    def listed(self, keys) -> list[dict]:
        return [{"key": key, **self.items[key]} for key in keys if key in self.items]

    def files(self, keys) -> list[tuple[File, str]]:
        """``(file, content_type)`` pairs, as subsidies.services.attachments_save takes."""
        pairs = []
        for key in keys:
            item = self.items[key]
            stored = File(default_storage.open(item["path"]), name=item["name"])
            stored.size = item["size"]
            pairs.append((stored, item["content_type"]))
        return pairs

    def discard(self, keys) -> None:
        for key in list(keys):
            item = self.items.pop(key, None)
            if item:
                default_storage.delete(item["path"])
        self._save()


def expire_pending_uploads() -> str:
    """Periodic job: files chosen on a form that was never saved, kept more than a day."""
    from core.periodic import expire_stored_files

    return f"{expire_stored_files(PendingUploads.FOLDER)} pending uploads removed"
