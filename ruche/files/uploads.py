"""Uploads are cut off as soon as a file passes the administrators' size limit: a 5 GB file is
refused after its first 20 MB are read, not stored on disk first (FILE_UPLOAD_HANDLERS)."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from ruche.files.models import FileSettings

# Besides attachments, photos and covers (5 MB, ruche.core.images) travel in the same requests.
MIN_LIMIT = 5 * 1024 * 1024


class SizeLimitHandler(FileUploadHandler):
    """First in the chain: counts each file's bytes and stops reading the request when one is over
    the limit, leaving on the request the name of the file refused (`ruche_upload_too_large`)."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.limit = max(FileSettings.current().max_bytes, MIN_LIMIT)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.ruche_upload_too_large = self.file_name
            raise StopUpload(connection_reset=True)
        return raw_data  # on to the next handler, which keeps it

    def file_complete(self, file_size):
        return None
