"""Uploaded files in a private bucket of an S3-compatible store (RUCHE_STORAGE=s3, config/env.py).

Imported only when configured (STORAGES names this class), so that local disk needs no boto3 import."""

from urllib.parse import urljoin

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.base import File
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


def _missing(error: ClientError) -> bool:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404


class PrivateS3Storage(S3Storage):
    """Objects stay private: a file's URL is ours (/media/<name>), served by ruche.core.media after the
    reading rule of its folder, never a bucket address that would bypass it."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def get_modified_time(self, name):
        """As on local disk, a missing file is FileNotFoundError (S3Storage lets boto3's 404 through)."""
        try:
            return super().get_modified_time(name)
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise

    def open_stream(self, name) -> File:
        """The object's bytes as they arrive, for ruche.core.media to send on (open() would first copy
        the whole object into memory); its size known. FileNotFoundError if there is no such object."""
        try:
            answer = self.bucket.Object(self._normalize_name(clean_name(name))).get()
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        stream = File(answer["Body"])  # no name: FileResponse would look for it on the local disk
        stream.size = answer["ContentLength"]
        return stream
