"""Where private documents are kept: subsidy attachments, issued notices, a city's signing
certificate. None of them has a public URL; the views that check who asks serve them."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


class PrivateFileStorage(FileSystemStorage):
    """Uploaded documents on the file system: under MEDIA_ROOT/private/, never under the
    static root. File names are random, so a web server misconfigured to serve all of
    MEDIA_ROOT still exposes no guessable path."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, os.path.join(settings.MEDIA_ROOT, "private"))


_private_files = PrivateFileStorage()


@deconstructible
class PrivateStorage(Storage):
    """Uploaded documents: on the storage ``STORAGES["private"]`` names when set (S3 in
    production: no public ACL, signed URLs only), else ``PrivateFileStorage``.

    They have no public URL: views that check who asks serve them. The backend is looked up
    at each use, so the settings (and tests) choose it without a migration.
    """

    def backend(self) -> Storage:
        if "private" in settings.STORAGES:
            return storages["private"]
        return _private_files

    def open(self, name, mode="rb"):
        return self.backend().open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend().save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend().get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend().get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.backend().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend().generate_filename(filename)

    def path(self, name):
        return self.backend().path(name)

    def delete(self, name):
        return self.backend().delete(name)

    def exists(self, name):
        return self.backend().exists(name)

    def listdir(self, path):
        return self.backend().listdir(path)

    def size(self, name):
        return self.backend().size(name)

    def url(self, name):
        return self.backend().url(name)

    def get_accessed_time(self, name):
        return self.backend().get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend().get_created_time(name)

    def get_modified_time(self, name):
        return self.backend().get_modified_time(name)


private_storage = PrivateStorage()
