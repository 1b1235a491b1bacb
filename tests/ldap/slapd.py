"""A real OpenLDAP server (Debian's slapd) for the LDAP sync's tests and benchmark: started in a
temporary folder on a free port with the core, cosine and inetOrgPerson schemas and an mdb
database, filled and changed through ldap3 as its root, stopped at the end."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from ldap3 import MODIFY_REPLACE, Connection, Server

SLAPD = Path("/usr/sbin/slapd")
SCHEMAS = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SUFFIX = "dc=example,dc=com"
PEOPLE = f"ou=people,{SUFFIX}"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-secret"

CONFIG = """\
include {schemas}/core.schema
include {schemas}/cosine.schema
include {schemas}/inetorgperson.schema
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
{modules}
sizelimit unlimited
database mdb
maxsize 1073741824
suffix "{suffix}"
rootdn "{root}"
rootpw {password}
directory {folder}/data
index objectClass eq
index mail eq
"""


def available() -> bool:
    return SLAPD.exists() and (SCHEMAS / "inetorgperson.schema").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="ruche-slapd-"))
        self.port = _free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> "Slapd":
        (self.folder / "data").mkdir()
        modules = ""
        if (MODULES / "back_mdb.la").exists():  # Debian builds the backends as modules
            modules = f"modulepath {MODULES}\nmoduleload back_mdb"
        config = self.folder / "slapd.conf"
        config.write_text(
            CONFIG.format(
                schemas=SCHEMAS,
                folder=self.folder,
                modules=modules,
                suffix=SUFFIX,
                root=ROOT_DN,
                password=ROOT_PASSWORD,
            )
        )
        # -d 0: in the foreground (stopped with the test session), quiet.
        self.process = subprocess.Popen(  # noqa: S603
            [str(SLAPD), "-h", f"{self.url}/", "-f", str(config), "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd stopped at start: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with self.connection() as connection:
                    connection.add(SUFFIX, ["dcObject", "organization"], {"o": "Example", "dc": "example"})
                    connection.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
                return self
            except Exception:  # noqa: BLE001 (not listening yet)
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("slapd did not answer within 20 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def connection(self) -> Connection:
        return Connection(Server(self.url), ROOT_DN, ROOT_PASSWORD, auto_bind=True, raise_exceptions=True)

    # The people ---------------------------------------------------------------------------------

    @staticmethod
    def dn(uid: str) -> str:
        return f"uid={uid},{PEOPLE}"

    def add(self, connection: Connection, uid: str, **attributes) -> str:
        """One inetOrgPerson (cn and sn default from the uid); None values are left out."""
        values = {"cn": uid, "sn": uid, **{k: v for k, v in attributes.items() if v is not None}}
        connection.add(self.dn(uid), ["inetOrgPerson"], values)
        return self.dn(uid)

    def replace(self, connection: Connection, uid: str, **attributes) -> None:
        connection.modify(
            self.dn(uid), {key: [(MODIFY_REPLACE, [value])] for key, value in attributes.items()}
        )

    def remove_everyone(self) -> None:
        """Every person under ou=people deleted (between tests)."""
        with self.connection() as connection:
            connection.search(PEOPLE, "(objectClass=inetOrgPerson)", attributes=[])
            for entry in list(connection.entries):
                connection.delete(entry.entry_dn)

    def entry_uuid(self, uid: str) -> str:
        with self.connection() as connection:
            connection.search(self.dn(uid), "(objectClass=*)", attributes=["entryUUID"])
            return str(connection.entries[0].entryUUID.value)
