#!/usr/bin/python3
"""Oidc-1 through GObject Introspection: sign-in with an interaction written in Python.

The interactive step is a GObject subclass implementing Oidc.Interaction that plays the user
against the real test identity provider (tests/idp, driven by oidc_test_idp.TestIdp) without
any browser. Run by meson (suite "gi") with GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing at
<builddir>/src and OIDC_TEST_IDP_DIR at tests/idp; by hand:

    GI_TYPELIB_PATH=_build/src LD_LIBRARY_PATH=_build/src /usr/bin/python3 tests/test-gi.py

It needs the system Python with PyGObject (python3-gi), Node.js and `npm ci --prefix tests/idp`.
The last line it prints is "N passed, N failed"; it exits non-zero when a test fails.
"""

import base64
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gi  # noqa: E402

gi.require_version("GLib", "2.0")
gi.require_version("GObject", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("Oidc", "1")
from gi.repository import Gio, GLib, GObject, Oidc  # noqa: E402

from oidc_test_idp import TestIdp  # noqa: E402

#: Seconds any one asynchronous call may take before the test fails instead of hanging.
ASYNC_TIMEOUT = 30


def jwt_payload(token):
    """The claims of a compact JWS, without checking anything."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AssertionError(f"not a compact JWS: {token!r}")
    payload = parts[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def spin(condition, timeout=5):
    """Iterates the default main context until condition() holds; returns its last value."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        if not context.iteration(False):
            time.sleep(0.01)
    return condition()


def run_async(start, finish, timeout=ASYNC_TIMEOUT):
    """Runs one asynchronous call to its end in a main loop.

    start(callback) begins the call; finish(result) completes it in the callback. Returns
    what finish returned, raises the GLib.Error it raised, and raises AssertionError when the
    callback has not come after `timeout` seconds.
    """
    loop = GLib.MainLoop()
    outcome = {}

    def on_ready(source, result, *user_data):
        try:
            outcome["value"] = finish(result)
        except GLib.Error as error:
            outcome["error"] = error
        except Exception as error:  # anything else would be swallowed by the callback
            outcome["exception"] = error
        loop.quit()

    def on_timeout():
        outcome["timeout"] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    timeout_id = GLib.timeout_add_seconds(timeout, on_timeout)
    start(on_ready)
    if not outcome:
        loop.run()
    if "timeout" not in outcome:
        GLib.source_remove(timeout_id)

    if "timeout" in outcome:
        raise AssertionError(f"the asynchronous call did not finish within {timeout} s")
    if "exception" in outcome:
        raise outcome["exception"]
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def get_id_token(auth, flags=Oidc.AuthRequestFlags.NONE, cancellable=None):
    return run_async(lambda callback: auth.get_id_token_async(flags, cancellable, callback),
                     auth.get_id_token_finish)


def logout(auth, cancellable=None):
    return run_async(lambda callback: auth.logout_async(cancellable, callback),
                     auth.logout_finish)


class BrowserlessInteraction(GObject.Object, Oidc.Interaction):
    """Plays the user at the test identity provider instead of showing a browser.

    The provider's pages are walked by TestIdp.authorize, blocking urllib, in a worker
    thread; its answer comes back to the main context with GLib.idle_add and finishes the
    request there. Once the request's cancellable is cancelled the answer is dropped.

    `on_authorize(request)` is called at the start of each authorize; with `hold` the worker
    keeps its answer until the request is cancelled (or 30 s pass), so a test can cancel
    a sign-in that is deterministically still in progress.
    """

    __gtype_name__ = "StagedoorTestBrowserlessInteraction"

    def __init__(self, idp, login="alice", cancel=False, hold=False, on_authorize=None):
        super().__init__()
        self.idp = idp
        self.login = login
        self.cancel = cancel
        self.hold = hold
        self.on_authorize = on_authorize
        self.calls = 0
        self.redirect_uris = []
        self.cancelled = 0       # requests whose cancellable fired while we worked on them
        self.delivered = 0       # answers handed to complete() or fail()
        self.dropped = 0         # answers dropped because the request was cancelled
        self.errors = []         # exceptions of the worker
        self.threads = []

    def do_authorize(self, request):
        # An exception here would only be printed, leaving the request unanswered forever.
        try:
            self._authorize(request)
        except Exception as error:
            request.fail(Oidc.error_quark(), Oidc.Error.CONFIGURATION,
                         f"the Python interaction failed: {error!r}")
            raise

    def _authorize(self, request):
        self.calls += 1
        if self.on_authorize is not None:
            self.on_authorize(request)
        redirect_uri = request.get_redirect_uri()
        authorization_uri = request.dup_authorization_uri()
        self.redirect_uris.append(redirect_uri)

        cancellable = request.get_cancellable()
        released = threading.Event()

        def on_cancelled(*args):
            self.cancelled += 1
            released.set()

        # Gio.Cancellable.connect is g_cancellable_connect (it shadows GObject's connect): it
        # calls back at once, and answers 0, when the cancellable is already cancelled.
        handler_id = cancellable.connect(on_cancelled)

        def deliver(redirected_uri, error):
            if handler_id:
                cancellable.disconnect(handler_id)
            if cancellable.is_cancelled():
                self.dropped += 1
            elif error is not None:
                self.delivered += 1
                request.fail(Oidc.error_quark(), Oidc.Error.NETWORK, str(error))
            else:
                self.delivered += 1
                request.complete(redirected_uri)
            return GLib.SOURCE_REMOVE

        def work():
            redirected_uri, failure = None, None
            try:
                if not cancellable.is_cancelled():
                    redirected_uri = self.idp.authorize(authorization_uri, redirect_uri,
                                                        login=self.login, cancel=self.cancel)
            except Exception as error:
                self.errors.append(error)
                failure = error
            if self.hold:
                released.wait(ASYNC_TIMEOUT)
            GLib.idle_add(deliver, redirected_uri, failure)

        thread = threading.Thread(target=work, name="authorize", daemon=True)
        self.threads.append(thread)
        thread.start()

    def join(self, timeout=ASYNC_TIMEOUT):
        """Waits for the workers, then lets their answers reach the main context."""
        for thread in self.threads:
            thread.join(timeout)
        spin(lambda: self.delivered + self.dropped >= len(self.threads))


class GiTestCase(unittest.TestCase):
    idp = None

    @classmethod
    def setUpClass(cls):
        cls.idp = TestIdp().start()

    @classmethod
    def tearDownClass(cls):
        if cls.idp is not None:
            cls.idp.stop()

    def new_auth(self, **interaction_args):
        """A fresh provider object with a fresh Python interaction; notify::signed-in logged."""
        auth = Oidc.OAuth2Auth.new(self.idp.issuer, self.idp.client_id)
        # Each test starts signed out: nothing is resumed from the keyring (test-keyring).
        auth.props.remember_session = False
        interaction = BrowserlessInteraction(self.idp, **interaction_args)
        auth.props.interaction = interaction
        notified = []
        auth.connect("notify::signed-in", lambda obj, pspec: notified.append(obj.props.signed_in))
        self.addCleanup(interaction.join)
        return auth, interaction, notified

    def sign_in(self, auth, interaction):
        token = get_id_token(auth)
        self.assertIsInstance(token, str)
        self.assertEqual(interaction.calls, 1, "the interaction ran once")
        return token

    def assert_oidc_error(self, error, code):
        self.assertIsInstance(error, GLib.Error)
        self.assertEqual(error.domain, GLib.quark_to_string(Oidc.error_quark()),
                         f"domain of {error.message!r}")
        self.assertEqual(error.code, int(code), f"code of {error.message!r}")
        self.assertTrue(error.matches(Oidc.error_quark(), code))

    # 1
    def test_1_sign_in(self):
        auth, interaction, notified = self.new_auth()
        self.assertFalse(auth.props.signed_in)

        token = self.sign_in(auth, interaction)

        claims = jwt_payload(token)
        self.assertEqual(claims["iss"], self.idp.issuer)
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        self.assertIn(self.idp.client_id, audience)
        self.assertEqual(claims["sub"], "alice")
        self.assertEqual(interaction.redirect_uris, [auth.get_redirect_uri()])
        self.assertEqual(interaction.errors, [])
        self.assertTrue(auth.props.signed_in)
        self.assertTrue(auth.get_signed_in())
        self.assertEqual(notified, [True], "notify::signed-in emitted once, to TRUE")

    # 2
    def test_2_second_call_is_cached(self):
        auth, interaction, notified = self.new_auth()
        first = self.sign_in(auth, interaction)
        total = self.idp.count("total")

        second = get_id_token(auth)

        self.assertEqual(second, first)
        self.assertEqual(self.idp.count("total"), total, "no request reached the provider")
        self.assertEqual(interaction.calls, 1, "the interaction did not run again")
        self.assertEqual(notified, [True])

    # 3
    def test_3_optional_without_session(self):
        auth, interaction, notified = self.new_auth()
        total = self.idp.count("total")

        token = get_id_token(auth, Oidc.AuthRequestFlags.OPTIONAL)

        self.assertIsNone(token)
        self.assertEqual(interaction.calls, 0, "the interaction was not called")
        self.assertEqual(self.idp.count("total"), total, "no request reached the provider")
        self.assertFalse(auth.props.signed_in)
        self.assertEqual(notified, [])

    # 4
    def test_4_rejected_at_the_provider(self):
        auth, interaction, notified = self.new_auth(cancel=True)

        with self.assertRaises(GLib.Error) as raised:
            get_id_token(auth)

        self.assert_oidc_error(raised.exception, Oidc.Error.REJECTED)
        self.assertEqual(interaction.calls, 1)
        self.assertEqual(interaction.errors, [])
        self.assertFalse(auth.props.signed_in)
        self.assertEqual(notified, [])

    # 5
    def test_5_logout(self):
        auth, interaction, notified = self.new_auth()
        self.sign_in(auth, interaction)
        revocations = self.idp.count("revocation")

        self.assertIs(logout(auth), True)

        self.assertFalse(auth.props.signed_in)
        self.assertEqual(notified, [True, False])
        self.assertGreaterEqual(self.idp.count("revocation"), revocations + 1,
                                "the tokens were revoked at the provider")
        self.assertIsNone(get_id_token(auth, Oidc.AuthRequestFlags.OPTIONAL),
                          "no session after logout")

    # 6: the interaction honours the request's cancellable.
    def test_6_cancelled_while_interacting(self):
        outer = Gio.Cancellable()
        auth, interaction, notified = self.new_auth(
            hold=True, on_authorize=lambda request: GLib.idle_add(outer.cancel))

        with self.assertRaises(GLib.Error) as raised:
            get_id_token(auth, cancellable=outer)

        self.assertTrue(raised.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
                        raised.exception.message)
        self.assertEqual(interaction.calls, 1)
        self.assertTrue(spin(lambda: interaction.cancelled == 1),
                        "the request's cancellable was cancelled")
        interaction.join()
        self.assertEqual((interaction.dropped, interaction.delivered), (1, 0),
                         "the answer that came after the cancellation was dropped")
        self.assertFalse(auth.props.signed_in)
        self.assertEqual(notified, [])


def main():
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(GiTestCase)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    if result.testsRun == 0 or (len(result.skipped) == result.testsRun):
        failed = max(failed, 1)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
