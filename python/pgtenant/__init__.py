"""Schema-per-tenant PostgreSQL from Python: libpgtenant through ctypes.

    from pgtenant import DatabaseAdmin, TenantConfig

    admin = DatabaseAdmin("postgresql://admin@localhost:5432/mydb")
    credentials = admin.create_tenant(
        TenantConfig(schema_name="tenant_acme", username="acme_user", password=""))
    credentials.connection_string    # what the tenant logs in with

A DatabaseAdmin holds one PostgreSQL session. Calls on it are serialised
by a lock, so sharing one between threads is safe but not parallel: give
each thread its own for work that should run side by side (ctypes releases
the GIL while the library waits for the server).

Passwords never appear in a repr, a str or an exception message. The
library wipes its own copies when it frees them; the Python str in
TenantCredentials.password lives until Python frees it, like any str.
"""

import ctypes
import dataclasses
import json
import threading
from typing import Dict, List, NamedTuple, Optional

from ._native import lib as _lib

__all__ = [
    "DatabaseAdmin", "TenantConfig", "TenantCredentials", "TenantInfo",
    "PgtenantError", "InvalidInputError", "TenantExistsError", "NotFoundError",
    "PrivilegeError", "DatabaseConnectionError", "LockedError", "ServerError",
    "NodeError",
    "library_version",
]

_REDACTED = "<redacted>"


def library_version() -> str:
    """The version of the libpgtenant that was loaded."""
    return _lib.pgt_version().decode()


# ---- errors ----------------------------------------------------------------

class PgtenantError(Exception):
    """A failure libpgtenant reported.

    category: "invalid", "exists", "not_found", "privilege", "connection",
    "locked", "canceled", "server" or "internal"; sqlstate: the server's
    SQLSTATE or ""; detail: the server's DETAIL/HINT or "". The message
    never holds a tenant's password."""

    def __init__(self, message: str, category: str = "internal",
                 sqlstate: str = "", detail: str = ""):
        super().__init__(message)
        self.message = message
        self.category = category
        self.sqlstate = sqlstate
        self.detail = detail


class InvalidInputError(PgtenantError, ValueError):
    """A bad schema or user name, limit or setting."""


class TenantExistsError(PgtenantError):
    """The schema or the user name already exists."""


class NotFoundError(PgtenantError, LookupError):
    """No tenant owns that schema."""


class PrivilegeError(PgtenantError):
    """The admin lacks a privilege (CREATEROLE, membership, a writable
    session)."""


class DatabaseConnectionError(PgtenantError, ConnectionError):
    """The server could not be reached, or the connection broke."""


class LockedError(PgtenantError):
    """A wait for a lock ran out: a tenant's session holds it."""


class ServerError(PgtenantError):
    """Any other error the server reported."""


class NodeError(ServerError):
    """A Citus worker node failed (its address is in the message); the
    admin's own connection is fine and nothing was left half-made."""


_BY_CATEGORY = {
    1: InvalidInputError,
    2: TenantExistsError,
    3: NotFoundError,
    4: PrivilegeError,
    5: DatabaseConnectionError,
    6: LockedError,
    8: ServerError,
    10: NodeError,
}


def _text(b: Optional[bytes]) -> str:
    return b.decode("utf-8", "replace") if b else ""


def _raise(err: ctypes.c_void_p):
    """Turn a pgt_error into an exception (and free it)."""
    if not err.value:
        raise PgtenantError("libpgtenant failed without saying why")
    try:
        cat = _lib.pgt_error_category(err)
        exc = _BY_CATEGORY.get(cat, PgtenantError)(
            _text(_lib.pgt_error_message(err)),
            category=_text(_lib.pgt_category_name(cat)),
            sqlstate=_text(_lib.pgt_error_sqlstate(err)),
            detail=_text(_lib.pgt_error_detail(err)))
    finally:
        _lib.pgt_error_free(err)
    raise exc


def _b(s: Optional[str]) -> Optional[bytes]:
    return None if s is None else s.encode("utf-8")


# ---- values ----------------------------------------------------------------

def _redacted_repr(obj, secrets) -> str:
    """The dataclass's repr with the fields named in secrets shown as
    <redacted> (or '' when empty, which says "generate one")."""
    parts = []
    for f in dataclasses.fields(obj):
        if not f.repr:
            continue
        v = getattr(obj, f.name)
        if f.name in secrets and v:
            v = _REDACTED
        parts.append(f"{f.name}={v!r}")
    return f"{type(obj).__name__}({', '.join(parts)})"


@dataclasses.dataclass(repr=False)
class TenantConfig:
    """What to create: schema_name, username ("" = derived from the schema
    name: tenant_acme -> acme_user) and password ("" = generate 32
    characters from [A-Za-z0-9]). connection_limit (-1 = none; default 20)
    and valid_until ("2027-01-31"; default never) are optional."""

    schema_name: str
    username: str = ""
    password: str = ""
    connection_limit: Optional[int] = dataclasses.field(default=None, repr=False)
    valid_until: Optional[str] = dataclasses.field(default=None, repr=False)

    def __repr__(self):
        return _redacted_repr(self, ("password",))

    __str__ = __repr__


@dataclasses.dataclass(frozen=True, repr=False)
class TenantCredentials:
    """What a tenant logs in with: exactly username, password, schema_name
    and connection_string (a postgresql:// URI). The repr and str show
    neither the password nor the connection string that embeds it."""

    username: str
    password: str
    schema_name: str
    connection_string: str

    def __repr__(self):
        return _redacted_repr(self, ("password", "connection_string"))

    __str__ = __repr__

    def __reduce__(self):
        # No silent copies of a secret into pickles, caches or queues.
        raise TypeError("TenantCredentials are not picklable")


class TenantInfo(NamedTuple):
    """One row of list_tenants()."""
    schema_name: str
    role: str
    locked: bool
    tables: int
    size_bytes: Optional[int]   # None: not loaded or unknown (a lock)


def _credentials(ptr: int) -> TenantCredentials:
    try:
        return TenantCredentials(
            _text(_lib.pgt_credentials_username(ptr)),
            _text(_lib.pgt_credentials_password(ptr)),
            _text(_lib.pgt_credentials_schema_name(ptr)),
            _text(_lib.pgt_credentials_connection_string(ptr)))
    finally:
        _lib.pgt_credentials_free(ptr)


# ---- the admin -------------------------------------------------------------

class DatabaseAdmin:
    """An admin session on the database that holds the tenants.

    database_url: a postgresql:// URI, a conninfo string or "" for the PG*
    environment. The password comes from the URL, PGPASSWORD or ~/.pgpass.
    Raises DatabaseConnectionError when it cannot connect."""

    def __init__(self, database_url: str):
        err = ctypes.c_void_p()
        self._lock = threading.Lock()
        self._h = _lib.pgt_admin_open(_b(database_url), ctypes.byref(err))
        if not self._h:
            _raise(err)

    def __repr__(self):
        # The URL may hold the admin's password: never shown.
        return f"<DatabaseAdmin {'open' if self._h else 'closed'}>"

    def close(self) -> None:
        with self._lock:
            if self._h:
                _lib.pgt_admin_close(self._h)
                self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_h", None):
            _lib.pgt_admin_close(self._h)
            self._h = None

    def _handle(self):
        if not self._h:
            raise PgtenantError("the DatabaseAdmin is closed", category="invalid")
        return self._h

    def create_tenant(self, config: TenantConfig) -> TenantCredentials:
        """Create the schema and its login role in one transaction.
        TenantExistsError, PrivilegeError, InvalidInputError,
        DatabaseConnectionError; nothing is left behind on failure."""
        cfg = _lib.pgt_config_new()
        if not cfg:
            raise PgtenantError("libpgtenant could not start")
        try:
            _lib.pgt_config_set_schema_name(cfg, _b(config.schema_name or ""))
            _lib.pgt_config_set_username(cfg, _b(config.username or ""))
            _lib.pgt_config_set_password(cfg, _b(config.password or ""))
            if config.connection_limit is not None:
                _lib.pgt_config_set_connection_limit(cfg, int(config.connection_limit))
            if config.valid_until:
                _lib.pgt_config_set_valid_until(cfg, _b(config.valid_until))
            err = ctypes.c_void_p()
            with self._lock:
                ptr = _lib.pgt_tenant_create(self._handle(), cfg, ctypes.byref(err))
        finally:
            _lib.pgt_config_free(cfg)
        if not ptr:
            _raise(err)
        return _credentials(ptr)

    def drop_tenant(self, schema_name: str) -> None:
        """Drop the schema with everything in it and its role."""
        err = ctypes.c_void_p()
        with self._lock:
            rc = _lib.pgt_tenant_drop(self._handle(), _b(schema_name), ctypes.byref(err))
        if rc != 0:
            _raise(err)

    def rotate_password(self, schema_name: str, password: str = "") -> TenantCredentials:
        """A new password ("" = generated) for the tenant owning schema_name."""
        err = ctypes.c_void_p()
        with self._lock:
            ptr = _lib.pgt_tenant_rotate_password(self._handle(), _b(schema_name),
                                                  _b(password or ""), ctypes.byref(err))
        if not ptr:
            _raise(err)
        return _credentials(ptr)

    def lock_tenant(self, schema_name: str, terminate_sessions: bool = False) -> int:
        """NOLOGIN; with terminate_sessions also end its sessions. Returns
        how many were ended."""
        err = ctypes.c_void_p()
        n = ctypes.c_int(0)
        with self._lock:
            rc = _lib.pgt_tenant_lock(self._handle(), _b(schema_name),
                                      1 if terminate_sessions else 0,
                                      ctypes.byref(n), ctypes.byref(err))
        if rc != 0:
            _raise(err)
        return n.value

    def unlock_tenant(self, schema_name: str) -> None:
        err = ctypes.c_void_p()
        with self._lock:
            rc = _lib.pgt_tenant_unlock(self._handle(), _b(schema_name), ctypes.byref(err))
        if rc != 0:
            _raise(err)

    def alter_tenant(self, schema_name: str, connection_limit: Optional[int] = None,
                     valid_until: Optional[str] = None,
                     settings: Optional[Dict[str, Optional[str]]] = None) -> None:
        """Change the connection limit (-1 = none), the expiry ("infinity" =
        never) and per-database settings (a None value resets one), all in
        one transaction."""
        a = _lib.pgt_alter_new()
        try:
            if connection_limit is not None:
                _lib.pgt_alter_set_connection_limit(a, int(connection_limit))
            if valid_until is not None:
                _lib.pgt_alter_set_valid_until(a, _b(valid_until))
            for name, value in (settings or {}).items():
                _lib.pgt_alter_set_setting(a, _b(name), _b(value))
            err = ctypes.c_void_p()
            with self._lock:
                rc = _lib.pgt_tenant_alter(self._handle(), _b(schema_name), a,
                                           ctypes.byref(err))
        finally:
            _lib.pgt_alter_free(a)
        if rc != 0:
            _raise(err)

    def list_tenants(self, with_sizes: bool = False) -> List[TenantInfo]:
        """The tenants of the database, by schema name (one query)."""
        err = ctypes.c_void_p()
        with self._lock:
            lst = _lib.pgt_tenant_list_load(self._handle(), 1 if with_sizes else 0,
                                            ctypes.byref(err))
        if not lst:
            _raise(err)
        try:
            out = []
            for i in range(_lib.pgt_tenant_list_count(lst)):
                size = _lib.pgt_tenant_list_size(lst, i)
                out.append(TenantInfo(
                    _text(_lib.pgt_tenant_list_schema(lst, i)),
                    _text(_lib.pgt_tenant_list_role(lst, i)),
                    bool(_lib.pgt_tenant_list_locked(lst, i)),
                    int(_lib.pgt_tenant_list_tables(lst, i)),
                    size if size >= 0 else None))
            return out
        finally:
            _lib.pgt_tenant_list_free(lst)

    def audit(self) -> dict:
        """Every isolation check: the document `pgtenant audit
        --format=json` prints, parsed."""
        err = ctypes.c_void_p()
        with self._lock:
            ptr = _lib.pgt_audit_json(self._handle(), ctypes.byref(err))
        if not ptr:
            _raise(err)
        try:
            text = ctypes.string_at(ptr).decode("utf-8", "replace")
        finally:
            _lib.pgt_free(ptr)
        return json.loads(text)
