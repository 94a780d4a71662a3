"""What the test suite's processes printed, and the secrets that must never
be in it: tests/test_secrets.py, the suite's last test, greps the one for
the other.

Both live under $QUARTET_TEST_LOG_DIR (set by meson); without it (a test
run by hand) nothing is kept.
"""
import itertools
import os

LOG_DIR = os.environ.get("QUARTET_TEST_LOG_DIR")
_counter = itertools.count()


def _path(*parts):
    path = os.path.join(LOG_DIR, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def keep_log(name, text):
    """Keeps @text as one log of the suite, named after @name."""
    if LOG_DIR and text:
        with open(_path("logs", "%s-%d-%d.log" % (name, os.getpid(), next(_counter))), "w") as f:
            f.write(text)


def keep_secret(secret):
    """Records a password, key or token the suite made up or was handed."""
    if LOG_DIR and secret:
        with open(_path("secrets", "%d" % os.getpid()), "a") as f:
            f.write(secret + "\n")
