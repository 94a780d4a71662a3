#!/usr/bin/python3
"""Calls through a 2-node ejabberd cluster (tests/harness/ejabberd.py), as a
deployment that outgrew one machine runs: Alice and Carol sign in to node A,
Bob and Dave to node B, and every signal between them crosses the cluster.

When node B dies in a call, its users go on to node A: each client has the
cluster's nodes as its server list (`--server B,A`; docs/architecture.md,
"Servers"), and a call needs no server once it is connected, so it goes on
and ends with the hang-up that now reaches Bob through node A.
"""
import json
import os
import subprocess
import time
import unittest

from quartet_cli_test import EXIT_OK
import test_call
from test_call import BLUE, RED, CallTestCase

import ejabberd
from ejabberd import EjabberdCluster
from xmpp_server import HOST

NODE_A, NODE_B = 0, 1


@unittest.skipUnless(ejabberd.available(), "ejabberd is not installed (apt-get install ejabberd)")
class ClusterTestCase(CallTestCase):
    # Each user's servers, in the order the client tries them.
    homes = {0: [NODE_A], 1: [NODE_B, NODE_A], 2: [NODE_A], 3: [NODE_B, NODE_A]}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.close()  # the single server CliTestCase made: a cluster instead
        cls.cluster = EjabberdCluster(users=cls.users, roster=True).start()
        cls.server = cls.cluster.nodes[NODE_A]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.cluster.close()

    def account(self, index):
        return self.cluster.accounts[index]

    def account_args(self, index, cafile=True):
        args = super().account_args(index, cafile)
        args[args.index("--server") + 1] = ",".join(
            "%s:%d" % (HOST, self.cluster.nodes[node].c2s_port) for node in self.homes[index])
        return args

    def node_of(self, process):
        """The node the session of a signed-in quartet-cli is on."""
        jid = process.events_named("connected")[0]["bound_jid"]
        return self.node_of_session(jid)

    def node_of_session(self, jid):
        live = [node for node in self.cluster.nodes if node.running]
        return self.cluster.nodes.index(live[0].session_node(jid))


class CrossNodeTest(ClusterTestCase):
    def test_users_are_on_their_own_nodes(self):
        self.assertEqual(self.node_of(self.bot(0)), NODE_A)
        self.assertEqual(self.node_of(self.bot(1)), NODE_B)

    def test_two_party_call_across_nodes(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        alice = self.caller([1], RED, "--duration", "4")
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")
        self.assertEqual(bob.events_named("hang-up")[0]["user"], "alice@localhost")
        self.assert_receives_video(alice, "bob@localhost", BLUE)
        self.assert_receives_video(bob, "alice@localhost", RED)

    def test_three_party_mesh_across_nodes(self):
        # Alice on A; Bob and Dave on B: their own pair is signalled on B.
        test_call.MeshTest.mesh_call(self, [1, 3])


class NodeDeathTest(ClusterTestCase):
    def test_call_goes_on_when_a_node_dies(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        self.assertEqual(self.node_of(bob), NODE_B)
        duration = 24 if os.environ.get("QUARTET_SANITIZED") else 16
        alice = self.caller([1], RED, "--duration", str(duration))
        bob.next_matching(lambda e: e["event"] == "stats" and e["fps"] >= test_call.FLUENT_FPS,
                          "Alice's video at Bob", timeout=30)

        self.cluster.nodes[NODE_B].kill()
        bob.next_event("disconnected")
        back = bob.next_event("reconnected")
        self.assertEqual(self.node_of_session(back["bound_jid"]), NODE_A)
        since_ms = time.monotonic() * 1000  # the clock of the events' mono_ms
        # The call did not need the server: Alice's video still comes...
        bob.next_matching(lambda e: e["event"] == "stats" and e["fps"] >= test_call.FLUENT_FPS
                          and e["mono_ms"] >= since_ms, "video after the failover",
                          timeout=15)
        # ...and her hang-up reaches Bob through node A.
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")
        self.assertEqual([e["user"] for e in bob.events_named("hang-up")], ["alice@localhost"])
        self.assertEqual(alice.events_named("not-answer"), [])


@unittest.skipUnless(os.environ.get("QUARTET_SIGNALING_LOAD"), "bench-signaling-load is not built")
class SignalingLoadTest(ClusterTestCase):
    """bench/signaling-load.c through the cluster at a small scale: every
    signal of every session arrives once (the bench runs 1,000 sessions)."""
    # A sanitized TLS sign-in costs seconds of CPU, and all run on one thread:
    # fewer accounts there, or the last ones pass the 20 s login timeout.
    sanitized = bool(os.environ.get("QUARTET_SANITIZED"))
    users = ["user%02d" % i for i in range(4 if sanitized else 20)]
    sessions = 20 if sanitized else 100

    def test_no_signal_lost_or_duplicated(self):
        accounts = os.path.join(self.tmp.name, "load-accounts")
        with open(accounts, "w") as f:
            for i, account in enumerate(self.cluster.accounts):
                node = self.cluster.nodes[i % 2]
                f.write("%s %s %s:%d\n" % (account["jid"], account["password"], HOST,
                                           node.c2s_port))
        result = subprocess.run(
            [os.environ["QUARTET_SIGNALING_LOAD"], "--json", "--accounts", accounts,
             "--cafile", self.cluster.cafile, "--sessions", str(self.sessions), "--rate", "200",
             "--hold", "0.5"], capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        figures = json.loads(result.stdout.splitlines()[-1])
        self.assertEqual(figures["sessions_up_at_once"], self.sessions, figures)
        self.assertEqual(figures["signals_sent"], self.sessions * 7, figures)
        self.assertEqual((figures["lost"], figures["duplicated"], figures["unexpected"]),
                         (0, 0, 0), figures)


if __name__ == "__main__":
    unittest.main(verbosity=2)
