#!/usr/bin/python3
"""Hostile input during a real call.

Mallory is a contact with a bare XMPP client of its own (tests/harness/
raw_xmpp.py: nothing of Quartet's code), who knows the id of a running call
between Alice and Bob and throws at Bob, as fast as the server takes it:
malformed and oversized call signals, well-formed signals for the running
session that come from outside it, messages that are no signal at all, and a
flood of `call`s. Bob must report each malformed signal and drop it alone,
keep his call with Alice as it was, keep his memory flat, and answer the
flood with a few busy rejects, not a thousand.
"""
import os
import threading
import time
import unittest
import uuid

from test_call import BLUE, RED, CallTestCase

from raw_xmpp import RawXmppClient

SANITIZED = bool(os.environ.get("QUARTET_SANITIZED"))
MALFORMED = 10000
CALL_FLOOD = 1000
# quartet-call-client.c: NEW_CALLS_BURST, then one more per NEW_CALL_REFILL_US
CALLS_LET_THROUGH = 5
CALL_REFILL_SECONDS = 3
# Bob's resident memory may move with the call itself, not with the burst
# (10,000 stanzas, 14 MB of them): that would be several times this.
RSS_GROWTH_KB = 6 * 1024
FLUENT_FPS = 20


def signal(to, kind, session, caller, opponents, body=""):
    return ("<message to='%s' type='headline'><extraParams xmlns='jabber:client'>"
            "<moduleIdentifier>WebRTCVideoChat</moduleIdentifier><signalType>%s</signalType>"
            "<sessionID>%s</sessionID><callType>1</callType><callerID>%s</callerID>"
            "<opponentsIDs>%s</opponentsIDs>%s<platform>web</platform></extraParams></message>"
            % (to, kind, session, caller,
               "".join("<opponentID>%s</opponentID>" % o for o in opponents), body))


# call and accept carry an SDP (docs/protocol.md); Bob never gets to use these.
SDP = ("<sdp>v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
       "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
       "a=rtpmap:96 VP8/90000\r\n</sdp>")


def malformed_signals(to, session, caller, callee, oversized):
    """Signals that every parser must refuse, each a different way; the
    codec's limits are those of quartet-signal.h."""
    opponents = [callee]
    big = [
        # an SDP over 64 KiB (`update` has no SDP to check)
        signal(to, "accept", session, caller, opponents, "<sdp>" + "a=x\r\n" * 20000 + "</sdp>"),
    ]
    return (big if oversized else []) + [
        # no session id
        signal(to, "hangUp", "", caller, opponents),
        # an unknown signal type
        signal(to, "hangDown", session, caller, opponents),
        # four opponents
        signal(to, "call", str(uuid.uuid4()), caller, opponents + ["2", "3", "4"]),
        # a call type that is not 1 or 2
        signal(to, "call", str(uuid.uuid4()), caller, opponents).replace(
            "<callType>1</callType>", "<callType>video!</callType>"),
        # userInfo nested deeper than 4
        signal(to, "hangUp", session, caller, opponents,
               "<userInfo>" + "<a>" * 10 + "x" + "</a>" * 10 + "</userInfo>"),
        # a session id of 300 bytes
        signal(to, "reject", "s" * 300, caller, opponents),
        # 65 candidates
        signal(to, "iceCandidates", session, caller, opponents,
               "<iceCandidates>" + "<iceCandidate><sdpMLineIndex>0</sdpMLineIndex><sdpMid>0</sdpMid>"
               "<candidate>candidate:1 1 UDP 1 127.0.0.1 9 typ host</candidate></iceCandidate>" * 65
               + "</iceCandidates>"),
    ]


def outside_signals(to, session, caller, callee):
    """Well-formed signals for the running session, from a JID outside it."""
    opponents = [callee]
    return [signal(to, kind, session, caller, opponents)
            for kind in ("hangUp", "reject", "update")] + [
        signal(to, "accept", session, caller, opponents, SDP),
        signal(to, "iceCandidates", session, caller, opponents,
               "<iceCandidates><iceCandidate><sdpMLineIndex>0</sdpMLineIndex><sdpMid>0</sdpMid>"
               "<candidate>candidate:1 1 UDP 2122252543 127.0.0.1 9 typ host</candidate>"
               "</iceCandidate></iceCandidates>")]


def not_signals(to, oversized):
    big = ["<message to='%s'><x xmlns='urn:example'>%s</x></message>" % (to, "y" * 100000)]
    return (big if oversized else []) + [
        "<message to='%s'><body>hello</body></message>" % to,
        "<message to='%s' type='headline'><extraParams xmlns='jabber:client'>"
        "<moduleIdentifier>SomethingElse</moduleIdentifier></extraParams></message>" % to]


def resident_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


class HostileTest(CallTestCase):
    users = ["alice", "bob", "mallory"]

    def fluent(self, process, user):
        return process.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == user and e["fps"] >= FLUENT_FPS,
            "%s at %d fps" % (user, FLUENT_FPS))

    def test_burst_of_hostile_stanzas_leaves_the_call_alone(self):
        alice_jid, bob_jid, mallory_jid = (self.account(i)["jid"] for i in range(3))
        bob = self.bot(1, BLUE, "--auto-answer")
        # Alice hangs up when the test is done with the call.
        alice = self.caller([1], RED, "--duration", "600")
        session = alice.next_event("accept")["session"]
        self.fluent(alice, bob_jid)
        self.fluent(bob, alice_jid)
        # Both at the ladder's top, so that Bob's memory holds 720p frames
        # before it is measured.
        for process, user in ((alice, bob_jid), (bob, alice_jid)):
            process.next_matching(lambda e: e["event"] == "stats" and e["user"] == user
                                  and e["height"] == 720, "720p from %s" % user)

        mallory = RawXmppClient(self.server.c2s_port, mallory_jid, self.account(2)["password"],
                                self.server.cafile)
        self.addCleanup(mallory.close)
        mallory.presence()  # or the server keeps Bob's replies from Mallory
        stanzas, n_malformed, rounds = [], 0, 0
        while len(stanzas) < MALFORMED:
            # One round in 25 has the 100 kB ones.
            oversized = rounds % 25 == 0
            rounds += 1
            bad = malformed_signals(bob_jid, session, "mallory@localhost", "bob@localhost",
                                    oversized)
            stanzas += bad + outside_signals(bob_jid, session, "alice@localhost", "bob@localhost")
            stanzas += not_signals(bob_jid, oversized)
            n_malformed += len(bad)
        stanzas += [signal(bob_jid, "call", str(uuid.uuid4()), "mallory@localhost",
                           ["bob@localhost"], SDP) for _ in range(CALL_FLOOD)]
        # Bob reads in order: once this last malformed one is reported, he
        # has handled the whole burst.
        stanzas.append(signal(bob_jid, "hangDown", session, "mallory@localhost", ["bob@localhost"]))
        n_malformed += 1
        rss_before = resident_kb(bob.process.pid)

        # Bob's events are read while Mallory sends: a full pipe would stall him.
        sender = threading.Thread(target=lambda: [mallory.send(s) for s in stanzas])
        started = time.monotonic()
        sender.start()
        for _ in range(n_malformed):
            bob.next_matching(lambda e: e["event"] == "invalid-signal", "the malformed signals",
                              timeout=120)
        sender.join()
        burst_seconds = time.monotonic() - started

        # The call goes on at its rate, both ways.
        self.fluent(bob, alice_jid)
        self.fluent(alice, bob_jid)
        rss_after = resident_kb(bob.process.pid)

        alice.stop()
        bob.next_event("call-end")
        code, _, err = bob.stop()

        invalid = bob.events_named("invalid-signal")
        self.assertEqual(len(invalid), n_malformed)
        self.assertTrue(all(e["from"].startswith(mallory_jid) for e in invalid))
        # Nothing of Mallory's reached the session: Alice alone called,
        # and only Alice hung up, once the test was done.
        self.assertEqual([e["user"] for e in bob.events_named("call")], ["alice@localhost"])
        self.assertEqual([e["user"] for e in bob.events_named("hang-up")], ["alice@localhost"])
        self.assertEqual(bob.events_named("reject"), [])
        states = [e["state"] for e in bob.events_named("peer-connection-state-changed")]
        self.assertNotIn("failed", states)
        # The flood got a busy reject for the first few, then one every few
        # seconds at most, however long Bob took to read it.
        time.sleep(1)
        rejects = mallory.received_count("<signalType>reject</signalType>")
        self.assertGreaterEqual(rejects, 1)
        self.assertLessEqual(rejects, CALLS_LET_THROUGH + burst_seconds // CALL_REFILL_SECONDS + 1)
        print("%d stanzas in %.1f s; Bob's RSS %d -> %d kB; %d busy rejects for %d calls"
              % (len(stanzas), burst_seconds, rss_before, rss_after, rejects, CALL_FLOOD))
        if not SANITIZED:  # AddressSanitizer's quarantine keeps freed memory resident
            self.assertLess(rss_after - rss_before, RSS_GROWTH_KB)


if __name__ == "__main__":
    unittest.main(verbosity=2)
