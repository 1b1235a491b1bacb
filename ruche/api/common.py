"""The error responses shared by the routers (fetching one post or person: `access_post`, `access_person`)."""

from ruche.api.errors import Error

# The error responses every operation may give, for the OpenAPI description.
READ_ERRORS = {401: Error, 404: Error, 422: Error}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
