"""A bad network between UDP clients and one server, in user space.

The kernels these tests run on have no sch_netem (`tc qdisc add ... netem`
answers "Specified qdisc kind is unknown", as for every other queueing
discipline; veth pairs and namespaces work, but nothing could delay or drop
on them), so the impairment lives here instead: a UDP relay
that each client talks to instead of the server (here: coturn, so every
packet of a relay-only call crosses it), and that forwards each datagram
after a delay (and a random extra delay, the jitter, which reorders them
as netem's does), drops a share of them, or drops them all while the link
is cut. Each direction is impaired separately, as netem on both ends of a veth
pair would.

    with ImpairedLink((HOST, turn.port), loss=0.05, delay=0.1, jitter=0.06) as link:
        ... --turn turn://{link.host}:{link.port}?transport=udp ...
        link.cut(5)
        link.rebind()
        link.cap_uplink(400_000)  # bits/s, client -> server; None lifts it
        link.cap_downlink(400_000)  # server -> client

A capped direction is a bottleneck as a home router's is: datagrams leave
one after another at the capped rate, wait in a drop-tail queue of
QUEUE_SECONDS at that rate, and are dropped when it is full.

The link listens on the machine's own (non-loopback) address: libnice binds
its UDP sockets to the interfaces' addresses, never to loopback, and its
datagrams from there to 127.0.0.1 never arrive.
"""
import heapq
import itertools
import random
import selectors
import socket
import subprocess
import threading
import time

from xmpp_server import HOST

QUEUE_SECONDS = 0.25  # the bottleneck's buffer, at its own rate


class Bottleneck:
    """One direction's rate cap with its drop-tail queue."""

    def __init__(self):
        self.rate = None  # bits/s, None: no cap
        self.drops = 0
        self._free_at = 0.0  # when it has sent what it holds

    def admit(self, now, size):
        """When a datagram of @size bytes offered at @now leaves, or None
        when the queue is full and it is dropped."""
        if not self.rate:
            return now
        start = max(now, self._free_at)
        if start - now > QUEUE_SECONDS:
            self.drops += 1
            return None
        self._free_at = start + size * 8 / self.rate
        return self._free_at


def local_address():
    """The first global IPv4 address of this machine; loopback if none."""
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if "inet" in fields:
            return fields[fields.index("inet") + 1].split("/")[0]
    return HOST


class ImpairedLink:
    def __init__(self, server, loss=0.0, delay=0.0, seed=1, jitter=0.0):
        self.server = server
        self.loss = loss
        self.delay = delay
        self.jitter = jitter  # seconds: each datagram waits up to this much more
        self.forwarded = 0
        self.dropped = 0
        self.uplink_bytes = 0  # sent towards the server
        self.uplink_datagrams = 0
        self.uplink_offered_bytes = 0  # sent or dropped at the bottleneck
        self._uplink = Bottleneck()
        self._downlink = Bottleneck()
        self._random = random.Random(seed)
        self._jitter_random = random.Random(-seed)  # the losses stay those of @seed
        self._cut_until = 0.0
        self._rebind = False
        self._queue = []  # (due, sequence, socket, datagram, address)
        self._sequence = itertools.count()
        self._upstream = {}  # client address -> its socket towards the server
        self._selector = selectors.DefaultSelector()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._listener.bind((local_address(), 0))
        self.host, self.port = self._listener.getsockname()
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def cut(self, seconds):
        """Drops every datagram, both ways, for @seconds from now."""
        self._cut_until = time.monotonic() + seconds

    @property
    def queue_drops(self):
        """Of the dropped datagrams, those the capped uplink's full queue dropped."""
        return self._uplink.drops

    @property
    def downlink_queue_drops(self):
        return self._downlink.drops

    def cap_uplink(self, bits_per_second):
        """Caps what clients send towards the server (None: no cap)."""
        self._uplink.rate = bits_per_second

    def cap_downlink(self, bits_per_second):
        """Caps what the server sends towards the clients (None: no cap)."""
        self._downlink.rate = bits_per_second

    def rebind(self):
        """A NAT that rebinds (or a laptop that changes networks): each
        client's next datagram leaves for the server from a new port, so the
        server sees a new 5-tuple (coturn: no allocation of its own), and
        what it sends to the old one goes nowhere."""
        self._rebind = True

    def _schedule(self, sock, datagram, address, uplink):
        now = time.monotonic()
        if now < self._cut_until or self._random.random() < self.loss:
            self.dropped += 1
            return
        due = (self._uplink if uplink else self._downlink).admit(now, len(datagram))
        if uplink:
            self.uplink_offered_bytes += len(datagram)
        if due is None:
            self.dropped += 1
            return
        if uplink:
            self.uplink_bytes += len(datagram)
            self.uplink_datagrams += 1
        due += self.delay + self._jitter_random.uniform(0, self.jitter)
        heapq.heappush(self._queue, (due, next(self._sequence), sock, datagram, address))

    def _upstream_for(self, client):
        sock = self._upstream.get(client)
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((HOST, 0))
            self._upstream[client] = sock
            self._selector.register(sock, selectors.EVENT_READ, client)
        return sock

    def _send_due(self):
        now = time.monotonic()
        while self._queue and self._queue[0][0] <= now:
            _, _, sock, datagram, address = heapq.heappop(self._queue)
            try:
                sock.sendto(datagram, address)
                self.forwarded += 1
            except OSError:
                self.dropped += 1

    def _drop_upstream_sockets(self):
        self._rebind = False
        for sock in self._upstream.values():
            self._selector.unregister(sock)
            sock.close()
        self._upstream.clear()
        self._queue = [entry for entry in self._queue if entry[2] is self._listener]
        heapq.heapify(self._queue)

    def _run(self):
        while self._running:
            if self._rebind:
                self._drop_upstream_sockets()
            timeout = max(0.0, self._queue[0][0] - time.monotonic()) if self._queue else 0.05
            for key, _ in self._selector.select(min(timeout, 0.05)):
                try:
                    datagram, address = key.fileobj.recvfrom(65536)
                except OSError:
                    continue
                if key.data is None:  # from a client, to the server
                    self._schedule(self._upstream_for(address), datagram, self.server, True)
                else:  # from the server, back to the client it belongs to
                    self._schedule(self._listener, datagram, key.data, False)
            self._send_due()

    def close(self):
        self._running = False
        self._thread.join()
        for sock in [self._listener] + list(self._upstream.values()):
            self._selector.unregister(sock)
            sock.close()
        self._selector.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
