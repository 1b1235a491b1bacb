"""Requests whose body fails to arrive: the server's side of a connection cut or stalled."""


class Cut:
    """A request body that fails after its first half, as the server's does when the connection fails:
    a read asking for more than came fails (io.BufferedReader over BodyFromLoop)."""

    def __init__(self, data: bytes):
        self.data = data[: len(data) // 2]

    def read(self, size=-1):
        if size is None or size < 0 or size > len(self.data):
            raise OSError("the client sent nothing of its request for 30 s")
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk

    def readline(self, size=-1):
        return self.read(size)


def cut_post(client, path, body: bytes, content_type: str, **extra):
    return client.generic("POST", path, body, content_type=content_type, **{"wsgi.input": Cut(body)}, **extra)
