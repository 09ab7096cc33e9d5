"""A database outage a test switches on and off, on either backend.

PostgreSQL is reached through a TCP proxy on 127.0.0.1 that the test owns.
Cutting it drops every open connection and refuses new ones, as when the
database host goes away: the app meets the driver's own errors, and its pool
must notice the dead connections by itself (pre-ping) once the database is back.

SQLite has no network to cut. While it is cut, every new connection fails with
the error sqlite3 gives when it cannot open the database file, and the pool is
emptied first, so that no connection made before the cut is reused: the app
meets the same OperationalError, through the same pool, as on PostgreSQL.
"""

import select
import socket
import sqlite3
import threading
from contextlib import contextmanager, suppress

from sqlalchemy import event, make_url

from app import create_app
from extensions import db
from tests.conftest import config_for


class PostgresqlOutage:
    """The app's URL points at a proxy on a local port, which relays to the
    database until it is cut and again once restored."""

    def __init__(self, url):
        target = make_url(url)
        self.target = (target.host or "127.0.0.1", target.port or 5432)
        self.port = 0
        self.listener = None
        self.connections = set()
        self.lock = threading.Lock()
        self.restore()
        self.url = target.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def watch(self, app):
        pass  # the proxy is in the app's URL already

    def restore(self):
        # The same port each time, so the app's URL stays right; create_server
        # sets SO_REUSEADDR, so the closed listener's port is free at once.
        listener = socket.create_server(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        with self.lock:
            self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self.lock:
            listener, self.listener = self.listener, None
            sockets = [listener, *self.connections] if listener else []
        # shutdown wakes the threads blocked in accept and select; closing alone would not.
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if listener:
            listener.close()

    close = cut

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                # As libpq does: each message goes at once, not held back by Nagle's algorithm.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                # A connection accepted as the cut came must not outlive it.
                cut = listener is not self.listener
                if not cut:
                    self.connections |= {client, upstream}
            if cut:
                client.close()
                upstream.close()
                return
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, client, upstream):
        peers = {client: upstream, upstream: client}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [])
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            with self.lock:
                self.connections -= {client, upstream}
            client.close()
            upstream.close()


class SqliteOutage:
    def __init__(self, url):
        self.url = url
        self.down = False
        self.engine = None

    def watch(self, app):
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "do_connect", self._connect)

    def _connect(self, dialect, connection_record, cargs, cparams):
        if self.down:
            raise sqlite3.OperationalError("unable to open database file")
        return None  # connect as usual

    def cut(self):
        self.down = True
        self.engine.dispose()

    def restore(self):
        self.down = False

    close = restore


@contextmanager
def app_with_database_outage(url, **config):
    """An app over the database at `url`, and the outage that cuts it off: `(app, outage)`."""
    outage = SqliteOutage(url) if url.startswith("sqlite") else PostgresqlOutage(url)
    app = create_app(config_for(outage.url, **config))
    outage.watch(app)
    try:
        yield app, outage
    finally:
        with app.app_context():
            db.engine.dispose()
        outage.close()
