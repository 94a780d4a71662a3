"""A bare XMPP client for tests that play a hostile or independent peer.

It speaks just enough of RFC 6120 (STARTTLS against the harness's
certificate, SASL PLAIN, resource binding) to send any bytes as stanzas to a
real Prosody, with nothing of Quartet's code on the path. Everything the
server sends back is kept, so a test can count the replies.

    client = RawXmppClient(server.c2s_port, "mallory@localhost", password, server.cafile)
    client.send("<message to='bob@localhost'>...</message>")
    client.received_count("<signalType>reject</signalType>")
"""
import base64
import re
import socket
import ssl
import threading
import time

from xmpp_server import HOST

TIMEOUT = 15


class RawXmppClient:
    def __init__(self, port, jid, password, cafile, resource="raw"):
        self.jid = jid
        self._received = []
        self._lock = threading.Lock()
        self._sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
        domain = jid.split("@", 1)[1]
        self._open_stream(domain)
        self._expect(b"<starttls")
        self._sock.sendall(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        self._expect(b"<proceed")
        context = ssl.create_default_context(cafile=cafile)
        self._sock = context.wrap_socket(self._sock, server_hostname=domain)
        self._open_stream(domain)
        self._expect(b"PLAIN")
        token = base64.b64encode(b"\0" + jid.split("@")[0].encode() + b"\0" + password.encode())
        self._sock.sendall(b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                           + token + b"</auth>")
        self._expect(b"<success")
        self._open_stream(domain)
        self._expect(b"urn:ietf:params:xml:ns:xmpp-bind")
        self._sock.sendall(b"<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                           b"<resource>" + resource.encode() + b"</resource></bind></iq>")
        bound = self._expect(b"</jid>")
        self.full_jid = re.search(rb"<jid>([^<]+)</jid>", bound).group(1).decode()
        self._sock.settimeout(None)
        self._reader = threading.Thread(target=self._read_forever, daemon=True)
        self._reader.start()

    def _open_stream(self, domain):
        self._buffer = b""
        self._sock.sendall(("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
                            "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
                            % domain).encode())

    def _expect(self, marker):
        """Reads until @marker has arrived (the start of the stream, a few
        small elements: a substring is enough); returns what was read."""
        deadline = time.monotonic() + TIMEOUT
        while marker not in self._buffer:
            if time.monotonic() > deadline:
                raise AssertionError("no %r from the server: %r" % (marker, self._buffer[-500:]))
            chunk = self._sock.recv(65536)
            if not chunk:
                raise AssertionError("server closed the stream: %r" % self._buffer[-500:])
            if b"<failure" in chunk or b"<stream:error" in chunk:
                raise AssertionError("server refused: %r" % chunk)
            self._buffer += chunk
        return self._buffer

    def _read_forever(self):
        try:
            while True:
                chunk = self._sock.recv(65536)
                if not chunk:
                    return
                with self._lock:
                    self._received.append(chunk.decode(errors="replace"))
        except OSError:
            return

    def send(self, xml):
        self._sock.sendall(xml.encode() if isinstance(xml, str) else xml)

    def presence(self):
        self.send("<presence/>")

    def received_text(self):
        with self._lock:
            return "".join(self._received)

    def received_count(self, text):
        return self.received_text().count(text)

    def close(self):
        try:
            self.send("</stream:stream>")
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
