"""A local Neo4j Community server for development and CI, run from Maven Central jars.

No Docker: ``docker/neo4j-local/pom.xml`` pins ``org.neo4j:neo4j`` (5.26 LTS); Maven copies the
jars into ``docker/neo4j-local/lib`` (the first run fills ``~/.m2``, later runs are offline), and
``docker/neo4j-local/neo4j-local.sh console`` runs ``org.neo4j.server.CommunityEntryPoint`` with a
rendered ``neo4j.conf`` (Bolt on 127.0.0.1 only, no HTTP, small memory, usage reports off).

Where the files live (:func:`launcher_dir`): in a source checkout, ``docker/neo4j-local`` itself
(``lib/`` for the jars, ``home/`` for the server).  From an installed wheel the package folder is
left alone (it may not be writable, and 120 MB of jars do not belong in site-packages): the
launcher files are copied to a per-user folder, ``$XDG_DATA_HOME/riskgraph/neo4j-local``
(default ``~/.local/share/riskgraph/neo4j-local``), or to ``$RISKGRAPH_NEO4J_LOCAL`` when set,
and the jars and the server's files go there too.

Everything the server writes lives in one folder, ``$NEO4J_LOCAL_HOME`` (default ``home/`` in
that folder): ``conf/``, ``data/``, ``logs/console.log`` (the server's output: read it when
start fails), ``run/riskgraph-neo4j.pid``.

:func:`start` sets the initial password of user ``neo4j`` before the first start (the
``neo4j-admin dbms set-initial-password`` command, run from the same jars), launches the server
in its own process group, and waits until Bolt accepts the credentials; it fails with the tail
of the log otherwise.  :func:`stop` sends SIGTERM and returns only when the process is gone
(exited and reaped, so no ``ps`` or ``kill -0`` finds it; SIGKILL after the timeout).
:func:`status` reports whether our process runs and whether Bolt answers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from riskgraph.errors import Neo4jUnavailable, UsageError

# The launcher files (neo4j-local.sh, pom.xml, neo4j.conf.template) are this package's resources.
LOCAL_DIR = Path(str(resources.files("riskgraph.neo4j_local")))
LAUNCHER_FILES = ("neo4j-local.sh", "neo4j.conf.template", "pom.xml")
DEFAULT_PASSWORD = "riskgraph-test"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# How long `stop` waits, after the server has exited, for its parent to reap it (a zombie).
REAP_GRACE_S = 15.0


def _in_checkout(package_dir: Path) -> bool:
    """True when the launcher package is ``docker/neo4j-local`` of a source checkout."""
    return (
        package_dir.name == "neo4j-local"
        and package_dir.parent.name == "docker"
        and (package_dir.parent.parent / "pyproject.toml").is_file()
    )


def user_data_dir() -> Path:
    """The per-user folder for an installed riskgraph: ``$XDG_DATA_HOME/riskgraph/neo4j-local``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "riskgraph" / "neo4j-local"


def launcher_dir() -> Path:
    """The folder with the launcher script, the jars (``lib/``) and the default ``home/``.

    ``$RISKGRAPH_NEO4J_LOCAL`` when set; else ``docker/neo4j-local`` in a source checkout; else
    (an installed wheel) :func:`user_data_dir`.
    """
    env = os.environ.get("RISKGRAPH_NEO4J_LOCAL")
    if env:
        return Path(env)
    if _in_checkout(LOCAL_DIR):
        return LOCAL_DIR
    return user_data_dir()


def install_launcher(local_dir: Path) -> None:
    """Copy the package's launcher files into ``local_dir`` (missing or changed ones only).

    Unchanged files keep their time stamps, so the jars are not fetched again; a changed
    ``pom.xml`` (a new riskgraph pinning another Neo4j) is newer than ``lib/.complete`` and
    makes the next start fetch the new jars.  A folder named by ``$RISKGRAPH_NEO4J_LOCAL``
    only gets the files it lacks (its own edited copies stay).
    """
    if local_dir.resolve() == LOCAL_DIR.resolve():
        return
    keep_own = bool(os.environ.get("RISKGRAPH_NEO4J_LOCAL"))
    missing = [f for f in LAUNCHER_FILES if not (LOCAL_DIR / f).is_file()]
    if missing:
        raise Neo4jUnavailable(
            f"the Neo4j launcher files {', '.join(missing)} are missing from the riskgraph "
            f"package ({LOCAL_DIR}); reinstall riskgraph"
        )
    try:
        local_dir.mkdir(parents=True, exist_ok=True)
        for name in LAUNCHER_FILES:
            data = (LOCAL_DIR / name).read_bytes()
            dest = local_dir / name
            if keep_own and dest.is_file():
                continue
            with contextlib.suppress(OSError):
                if dest.read_bytes() == data:
                    continue
            tmp = dest.with_name(f".{name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, dest)
    except OSError as e:
        raise Neo4jUnavailable(
            f"cannot write the Neo4j launcher folder {local_dir} ({e.strerror or e}); set "
            "RISKGRAPH_NEO4J_LOCAL to a writable folder"
        ) from None


@dataclass(frozen=True)
class LocalServer:
    """Where the local server's files are and where it listens."""

    local_dir: Path
    home: Path
    host: str
    port: int
    heap: str = "512m"

    @property
    def script(self) -> Path:
        return self.local_dir / "neo4j-local.sh"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "riskgraph-neo4j.pid"

    @property
    def bolt(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"


@dataclass(frozen=True)
class ServerStatus:
    """What :func:`status` found."""

    pid: int | None  # our server process, if it runs
    bolt_open: bool  # something accepts TCP connections on the Bolt port
    server: LocalServer

    @property
    def running(self) -> bool:
        return self.pid is not None

    def describe(self) -> str:
        if self.pid is not None and self.bolt_open:
            return (
                f"Neo4j is running (pid {self.pid}) at {self.server.uri}; "
                f"log {self.server.log_file}"
            )
        if self.pid is not None:
            return f"Neo4j is starting or stuck (pid {self.pid}); Bolt {self.server.uri} is closed"
        if self.bolt_open:
            return f"a server not started by riskgraph listens at {self.server.uri}"
        return f"Neo4j is not running ({self.server.uri} is closed)"


def local_server(uri: str | None = None) -> LocalServer:
    """The local server for ``uri`` (default ``$NEO4J_URI`` or ``bolt://127.0.0.1:7687``).

    Only a loopback URI can be served locally; anything else raises :class:`UsageError`.
    """
    uri = uri or os.environ.get("NEO4J_URI") or "bolt://127.0.0.1:7687"
    parts = urlsplit(uri if "://" in uri else f"bolt://{uri}")
    host = parts.hostname or "127.0.0.1"
    if host not in LOOPBACK:
        raise UsageError(
            f"NEO4J_URI {uri!r} is not on this machine; `riskgraph neo4j` manages a local server "
            "only (bolt://127.0.0.1:PORT)"
        )
    try:
        port = parts.port or 7687
    except ValueError:
        raise UsageError(f"NEO4J_URI {uri!r} has an invalid port") from None
    local_dir = launcher_dir()
    home = Path(os.environ.get("NEO4J_LOCAL_HOME") or local_dir / "home")
    heap = os.environ.get("NEO4J_LOCAL_HEAP") or "512m"
    return LocalServer(local_dir, home, "127.0.0.1", port, heap)


def _env(server: LocalServer) -> dict[str, str]:
    env = dict(os.environ)
    env["NEO4J_LOCAL_HOME"] = str(server.home)
    env["NEO4J_LOCAL_BOLT"] = server.bolt
    env["NEO4J_LOCAL_HEAP"] = server.heap
    return env


def _port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """True while the process runs; a zombie (our own child that exited) counts as dead."""
    if not _exists(pid):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _is_neo4j(pid: int) -> bool:
    """True when ``pid`` runs our server (guards against a recycled pid)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return _alive(pid)  # no /proc (macOS): trust the pid file
    return b"CommunityEntryPoint" in cmd or b"neo4j-local.sh" in cmd


def _read_pid(server: LocalServer) -> int | None:
    try:
        pid = int(server.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    if _alive(pid) and _is_neo4j(pid):
        return pid
    return None


def log_tail(server: LocalServer, lines: int = 15) -> str:
    """The last ``lines`` lines of the server log (empty when there is none)."""
    try:
        text = server.log_file.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def status(uri: str | None = None) -> ServerStatus:
    """Whether our server process runs and whether its Bolt port accepts connections."""
    server = local_server(uri)
    return ServerStatus(_read_pid(server), _port_open(server.host, server.port), server)


def check_tools(server: LocalServer) -> None:
    """Raise :class:`Neo4jUnavailable` naming what is missing (Java; Maven on the first run)."""
    if not server.script.exists():
        raise Neo4jUnavailable(f"the Neo4j launcher {server.script} is missing")
    if shutil.which("java") is None:
        raise Neo4jUnavailable(
            "Java is not installed; the local Neo4j needs Java 17+ "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
        )
    if not (server.local_dir / "lib" / ".complete").exists() and shutil.which("mvn") is None:
        raise Neo4jUnavailable(
            "Maven is not installed; the first start downloads the Neo4j jars with it "
            "(Debian/Ubuntu: apt-get install maven)"
        )


def _run_script(server: LocalServer, *args: str, what: str, timeout: float) -> None:
    try:
        p = subprocess.run(
            ["bash", str(server.script), *args],
            env=_env(server),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise Neo4jUnavailable(f"{what} did not finish within {timeout:.0f} s") from None
    if p.returncode != 0:
        tail = " | ".join((p.stderr or p.stdout).strip().splitlines()[-5:])
        raise Neo4jUnavailable(f"{what} failed (exit {p.returncode}): {tail}")


def _bolt_ready(server: LocalServer, user: str, password: str) -> str | None:
    """``None`` when Bolt accepts the credentials, else why not (``auth`` for refused ones)."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    if not _port_open(server.host, server.port):
        return "closed"
    try:
        with GraphDatabase.driver(
            server.uri, auth=(user, password), connection_timeout=3.0
        ) as driver:
            driver.verify_connectivity()
            driver.execute_query("SHOW DATABASES YIELD name RETURN count(*)", database_="system")
    except AuthError:
        return "auth"
    except (ServiceUnavailable, Neo4jError, OSError) as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return None


def start(
    uri: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 180.0,
) -> ServerStatus:
    """Start the local server (if it is not running) and wait until Bolt accepts the login.

    Parameters
    ----------
    uri
        Bolt URI to serve (loopback only); default ``$NEO4J_URI`` or ``bolt://127.0.0.1:7687``.
    user, password
        The login to wait for; default ``$NEO4J_USERNAME`` / ``$NEO4J_PASSWORD``, else
        ``neo4j`` / ``riskgraph-test``.  The password becomes the initial password of a new
        server (it cannot be changed this way once the server has started once).
    timeout
        Seconds to wait for Bolt readiness (the first start also downloads the jars).

    Raises
    ------
    Neo4jUnavailable
        Java or Maven missing, the port taken by another program, the server exiting, or
        Bolt not ready in time (the message ends with the tail of the log).
    """
    server = local_server(uri)
    user = user or os.environ.get("NEO4J_USERNAME") or "neo4j"
    password = password or os.environ.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD
    st = status(uri)
    if st.running:
        return _wait_ready(server, st.pid, user, password, timeout, proc=None)
    if st.bolt_open:
        raise Neo4jUnavailable(
            f"port {server.port} is already taken by another program (another Neo4j?); "
            "stop it or set NEO4J_URI to another port"
        )
    install_launcher(server.local_dir)
    check_tools(server)
    _run_script(server, "fetch", what="downloading the Neo4j jars (mvn)", timeout=1200)
    if (
        not (server.home / "data" / "dbms" / "auth.ini").exists()
        and not (server.home / "data" / "databases").exists()
    ):
        if len(password) < 8:
            raise UsageError("the Neo4j password must have at least 8 characters")
        _run_script(
            server, "set-password", password, what="setting the initial password", timeout=120
        )
    server.log_file.parent.mkdir(parents=True, exist_ok=True)
    server.pid_file.parent.mkdir(parents=True, exist_ok=True)
    with server.log_file.open("ab") as log:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.write(f"\n=== riskgraph neo4j start {stamp} ===\n".encode())
        log.flush()
        proc = subprocess.Popen(
            ["bash", str(server.script), "console"],
            env=_env(server),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the CLI; Ctrl-C in the shell does not reach it
        )
    server.pid_file.write_text(f"{proc.pid}\n")
    return _wait_ready(server, proc.pid, user, password, timeout, proc=proc)


def _wait_ready(
    server: LocalServer,
    pid: int | None,
    user: str,
    password: str,
    timeout: float,
    proc: subprocess.Popen[bytes] | None,
) -> ServerStatus:
    deadline = time.monotonic() + timeout
    why: str | None = "closed"
    while time.monotonic() < deadline:
        exited = proc.poll() is not None if proc is not None else (pid is None or not _alive(pid))
        if exited:
            server.pid_file.unlink(missing_ok=True)
            raise Neo4jUnavailable(
                f"Neo4j exited during start; log {server.log_file}:\n{log_tail(server)}"
            )
        why = _bolt_ready(server, user, password)
        if why is None:
            return ServerStatus(pid, True, server)
        if why == "auth":
            raise Neo4jUnavailable(
                f"Neo4j is up at {server.uri} but refused the login of user {user!r}: its data "
                f"folder was initialised with another password (stop it and remove "
                f"{server.home / 'data'} to reset)"
            )
        time.sleep(0.5)
    if proc is not None:
        _terminate(server, proc.pid, timeout=30)
    raise Neo4jUnavailable(
        f"Neo4j did not accept Bolt connections at {server.uri} within {timeout:.0f} s "
        f"(last: {why}); log {server.log_file}:\n{log_tail(server)}"
    )


def _terminate(server: LocalServer, pid: int, timeout: float) -> bool:
    """SIGTERM the server's process group, wait, SIGKILL after ``timeout``; True if it ran."""
    try:
        pgid = os.getpgid(pid)
    except ProcessLookupError:
        server.pid_file.unlink(missing_ok=True)
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        _reap(pid)
        time.sleep(0.2)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        while _alive(pid):
            _reap(pid)
            time.sleep(0.1)
    # Exited is not gone: until its parent reaps it the process is a zombie that `ps`, `pgrep`
    # and `kill -0` still find (and its memory may still be being freed).  Reap it if it is ours,
    # else wait for its parent (init) to do so.
    deadline = time.monotonic() + REAP_GRACE_S
    while _exists(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    server.pid_file.unlink(missing_ok=True)
    return True


def _exists(pid: int) -> bool:
    """True while any process, a zombie included, has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop(uri: str | None = None, *, timeout: float = 60.0) -> bool:
    """Stop our local server and wait for it to exit.

    Returns ``True`` if a server was stopped, ``False`` if none was running.  A server that
    does not exit within ``timeout`` seconds of SIGTERM is killed.
    """
    server = local_server(uri)
    pid = _read_pid(server)
    if pid is None:
        server.pid_file.unlink(missing_ok=True)
        return False
    return _terminate(server, pid, timeout)
