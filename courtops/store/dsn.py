"""A PostgreSQL DSN's password, taken apart from the DSN: what may be written down and what may not.

A ``postgresql://user:PASSWORD@host/db`` DSN (or ``…?password=PASSWORD``) carries a credential. The
DSN without it says where the store is and may go into files (runner's ``env/envvars``, the transmit
stream); the password goes only where libpq reads passwords: a password file (``PGPASSFILE``, the
format of ``~/.pgpass``). Pure string work: no psycopg needed, so a SQLite controller never loads it.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

#: libpq's query parameters that name where and as whom it connects (the fields of a .pgpass line)
_HOST, _PORT, _DBNAME, _USER, _PASSWORD = "host", "port", "dbname", "user", "password"


def split_password(dsn: str) -> tuple[str, str]:
    """(the DSN without its password, the password or ``""``).

    Both places libpq takes a password from a URI are cleared: the user info (``user:PASSWORD@``,
    percent-decoded) and the ``password=`` query parameter, which libpq applies last, so it wins.
    The rest of the DSN is kept as written.
    """
    parts = urlsplit(dsn)
    password = ""
    netloc = parts.netloc
    userinfo, at, hostport = netloc.rpartition("@")
    if at:
        user, colon, secret = userinfo.partition(":")
        if colon:
            password = unquote(secret)
            netloc = f"{user}@{hostport}" if user else hostport
    kept = []
    for piece in parts.query.split("&") if parts.query else ():
        key, _, value = piece.partition("=")
        if unquote(key) == _PASSWORD:
            password = unquote(value)
        else:
            kept.append(piece)
    return urlunsplit(parts._replace(netloc=netloc, query="&".join(kept))), password


def _escape(value: str) -> str:
    """A value as a .pgpass field holds it: backslash and colon escaped."""
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _match(field: str) -> str:
    """A connection field as a .pgpass line matches it: an unset or multi-host value matches any."""
    return "*" if not field or "," in field else _escape(field)


def _fields(dsn: str) -> dict[str, str]:
    parts = urlsplit(dsn)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # [IPv6]:port
        host, _, rest = hostport[1:].partition("]")
        port = rest.removeprefix(":")
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    fields = {
        _HOST: unquote(host),
        _PORT: port,
        _DBNAME: unquote(parts.path.lstrip("/")),
        _USER: unquote(userinfo.partition(":")[0]),
    }
    for piece in parts.query.split("&") if parts.query else ():
        key, _, value = piece.partition("=")
        if unquote(key) in fields:
            fields[unquote(key)] = unquote(value)
    return fields


def passfile_line(dsn: str, password: str) -> str:
    """The .pgpass line that gives ``password`` to connections to the DSN's host, port, database and
    user (a field the DSN leaves to libpq's default matches any value)."""
    f = _fields(dsn)
    # libpq looks a unix socket's password up under "localhost" when the socket is its default
    # directory, under the directory otherwise: any host, as the database and user still narrow it
    host = "" if f[_HOST].startswith(("/", "@")) else f[_HOST]
    fields = (host, f[_PORT], f[_DBNAME], f[_USER])
    return ":".join(_match(v) for v in fields) + ":" + _escape(password)


def any_connection_line(password: str) -> str:
    """The .pgpass line that gives ``password`` to every connection (what ``PGPASSWORD`` does)."""
    return "*:*:*:*:" + _escape(password)
