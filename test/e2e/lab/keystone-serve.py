"""Keystone's public WSGI application on ADDRESS PORT, served by a threaded wsgiref server:
the lab's identity service (up.sh with CDLAB_KEYSTONE=yes). Runs inside the release root,
with OS_KEYSTONE_CONFIG_FILES naming its keystone.conf.

    python3 keystone-serve.py 0.0.0.0 5000
"""
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from keystone.server.wsgi import initialize_public_application


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


address, port = sys.argv[1], int(sys.argv[2])
del sys.argv[1:]  # keystone's configuration parses the command line
application = initialize_public_application()
make_server(address, port, application, server_class=ThreadedServer, handler_class=QuietHandler).serve_forever()
