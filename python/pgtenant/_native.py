"""ctypes bindings of libpgtenant (pgtenant.h), in ABI mode: nothing is
compiled when the package is installed, the shared library is loaded at
import time."""

import ctypes
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
_SONAME = "libpgtenant.so.0"


def _candidates():
    # An explicit path first, then a build tree this package sits in (the
    # source tree's python/ with build/ beside it, or an in-tree build),
    # then whatever the dynamic linker finds (make install + ldconfig, or
    # LD_LIBRARY_PATH).
    env = os.environ.get("PGTENANT_LIBRARY")
    if env:
        yield env
        return
    top = os.path.dirname(os.path.dirname(_HERE))
    for d in (os.path.join(top, "build", "src", ".libs"),
              os.path.join(top, "src", ".libs")):
        path = os.path.join(d, _SONAME)
        if os.path.exists(path):
            yield path
    found = ctypes.util.find_library("pgtenant")
    if found:
        yield found
    yield _SONAME


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("pgtenant: cannot load libpgtenant (set PGTENANT_LIBRARY "
                      "to its path): " + "; ".join(errors))


lib = _load()

_P = ctypes.c_void_p
_S = ctypes.c_char_p
_I = ctypes.c_int
_E = ctypes.POINTER(ctypes.c_void_p)   # pgt_error **

_PROTOTYPES = {
    "pgt_version": (_S, []),
    "pgt_free": (None, [_P]),
    "pgt_error_category": (_I, [_P]),
    "pgt_category_name": (_S, [_I]),
    "pgt_error_sqlstate": (_S, [_P]),
    "pgt_error_message": (_S, [_P]),
    "pgt_error_detail": (_S, [_P]),
    "pgt_error_free": (None, [_P]),
    "pgt_admin_open": (_P, [_S, _E]),
    "pgt_admin_close": (None, [_P]),
    "pgt_config_new": (_P, []),
    "pgt_config_free": (None, [_P]),
    "pgt_config_set_schema_name": (_I, [_P, _S]),
    "pgt_config_set_username": (_I, [_P, _S]),
    "pgt_config_set_password": (_I, [_P, _S]),
    "pgt_config_set_connection_limit": (_I, [_P, _I]),
    "pgt_config_set_valid_until": (_I, [_P, _S]),
    "pgt_credentials_username": (_S, [_P]),
    "pgt_credentials_password": (_S, [_P]),
    "pgt_credentials_schema_name": (_S, [_P]),
    "pgt_credentials_connection_string": (_S, [_P]),
    "pgt_credentials_password_generated": (_I, [_P]),
    "pgt_credentials_free": (None, [_P]),
    "pgt_tenant_create": (_P, [_P, _P, _E]),
    "pgt_tenant_drop": (_I, [_P, _S, _E]),
    "pgt_tenant_rotate_password": (_P, [_P, _S, _S, _E]),
    "pgt_tenant_lock": (_I, [_P, _S, _I, ctypes.POINTER(_I), _E]),
    "pgt_tenant_unlock": (_I, [_P, _S, _E]),
    "pgt_alter_new": (_P, []),
    "pgt_alter_free": (None, [_P]),
    "pgt_alter_set_connection_limit": (_I, [_P, _I]),
    "pgt_alter_set_valid_until": (_I, [_P, _S]),
    "pgt_alter_set_setting": (_I, [_P, _S, _S]),
    "pgt_tenant_alter": (_I, [_P, _S, _P, _E]),
    "pgt_tenant_list_load": (_P, [_P, _I, _E]),
    "pgt_tenant_list_free": (None, [_P]),
    "pgt_tenant_list_count": (ctypes.c_size_t, [_P]),
    "pgt_tenant_list_schema": (_S, [_P, ctypes.c_size_t]),
    "pgt_tenant_list_role": (_S, [_P, ctypes.c_size_t]),
    "pgt_tenant_list_locked": (_I, [_P, ctypes.c_size_t]),
    "pgt_tenant_list_tables": (ctypes.c_long, [_P, ctypes.c_size_t]),
    "pgt_tenant_list_size": (ctypes.c_int64, [_P, ctypes.c_size_t]),
    # A string the caller frees: kept as an address, read, then pgt_free'd.
    "pgt_audit_json": (_P, [_P, _E]),
}

for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args
