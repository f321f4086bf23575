"""Files kept for a rejected application form that was never saved are removed after a day
by a periodic job; files of a form still being filled in stay."""

import os
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.module_loading import import_string

from portal.forms.subsidies import expire_pending_uploads


def _age(path, hours):
    then = time.time() - hours * 3600
    os.utime(default_storage.path(path), (then, then))


def test_the_job_removes_pending_files_older_than_a_day_only():
    old = default_storage.save("pending-uploads/old-key", ContentFile(b"%PDF-1.4 old"))
    fresh = default_storage.save("pending-uploads/fresh-key", ContentFile(b"%PDF-1.4 new"))
    other = default_storage.save("attachments/kept.pdf", ContentFile(b"%PDF-1.4 kept"))
    _age(old, 25)
    _age(fresh, 23)
    _age(other, 100)

    assert expire_pending_uploads() == "1 pending uploads removed"
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
    assert default_storage.exists(other)  # only the pending folder is swept


def test_no_folder_yet_is_nothing_to_remove():
    assert expire_pending_uploads() == "0 pending uploads removed"


def test_the_job_is_scheduled():
    jobs = {name: path for name, _cron, path in settings.PERIODIC_JOBS}
    assert import_string(jobs["expire_pending_uploads"]) is expire_pending_uploads
