"""The test identity provider (tests/idp) for Stagedoor's Python tests.

Standard library only, so it runs under any Python 3.9 or later, including the system
/usr/bin/python3 that has PyGObject:

    from oidc_test_idp import TestIdp

    with TestIdp(access_ttl=5) as idp:
        uri = build_authorization_uri(idp.issuer, idp.client_id, ...)
        redirect = idp.authorize(uri, "http://127.0.0.1/callback", login="alice")
        assert idp.count("token") == 0

The provider is `node $OIDC_TEST_IDP_DIR/idp.mjs` (default: the idp folder beside this file),
and needs `npm ci --prefix tests/idp` once. It dies with this process: it exits when its stdin,
a pipe held here, closes. Every wait here gives up after at most 30 seconds.
"""

import base64
import hashlib
import html
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from html.parser import HTMLParser

__all__ = ["TestIdp", "TestIdpError", "CONFIDENTIAL_CLIENT_ID", "CONFIDENTIAL_CLIENT_SECRET"]

#: The confidential client (client_secret_basic) that idp.mjs also registers.
CONFIDENTIAL_CLIENT_ID = "stagedoor-secret"
CONFIDENTIAL_CLIENT_SECRET = "not-so-secret"

TIMEOUT = 30
_MAX_STEPS = 12


class TestIdpError(RuntimeError):
    """The test identity provider could not be started, or did not behave as expected."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands every 3xx back to the caller instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _PageParser(HTMLParser):
    """Finds what the development interaction pages of oidc-provider offer: the form's action,
    its hidden `prompt` value and the href of the "[ Cancel ]" link."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.prompt = None
        self.abort = None
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action")
        elif tag == "input" and attrs.get("name") == "prompt":
            self.prompt = attrs.get("value")
        elif tag == "a":
            self._href = attrs.get("href")

    def handle_data(self, data):
        if self._href is not None and "Cancel" in data:
            self.abort = self._href

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


# Straight to the provider, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _page_text(body):
    """The readable text of an HTML error page, for error messages."""
    parser = HTMLParser()
    chunks = []
    parser.handle_data = chunks.append
    parser.feed(re.sub(r"(?is)<head.*?</head>", " ", body))
    return " ".join(" ".join(chunks).split())[:300]


class TestIdp:
    """One run of tests/idp/idp.mjs.

    `access_ttl` and `id_ttl` (seconds) set the AccessToken and IdToken lifetimes,
    `redirect_uris` (comma-separated) the clients' redirect URIs and `client_id` the public
    native client's id; None keeps idp.mjs's defaults.
    """

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, access_ttl=None, id_ttl=None, redirect_uris=None, client_id=None,
                 idp_dir=None):
        self._options = {"access_ttl": access_ttl, "id_ttl": id_ttl,
                         "redirect_uris": redirect_uris, "client_id": client_id}
        self.idp_dir = idp_dir or os.environ.get("OIDC_TEST_IDP_DIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "idp")
        self.issuer = None
        self.port = None
        self.client_id = client_id or "stagedoor-test"
        self._process = None

    # Life cycle

    def start(self, access_ttl=None, id_ttl=None, redirect_uris=None, client_id=None):
        """Spawns the provider and waits for its ready line; returns self."""
        if self._process is not None:
            raise TestIdpError("the test identity provider is already running")

        options = dict(self._options)
        for key, value in (("access_ttl", access_ttl), ("id_ttl", id_ttl),
                           ("redirect_uris", redirect_uris), ("client_id", client_id)):
            if value is not None:
                options[key] = value

        node = os.environ.get("OIDC_TEST_NODE") or shutil.which("node")
        if node is None:
            raise TestIdpError("Node.js (node) is not installed: the test identity provider needs "
                               "it; install nodejs and npm, then run `npm ci --prefix tests/idp`")
        script = os.path.join(self.idp_dir, "idp.mjs")
        if not os.path.isfile(script):
            raise TestIdpError(f"{script} does not exist: set OIDC_TEST_IDP_DIR to tests/idp")
        if not os.path.isfile(os.path.join(self.idp_dir, "node_modules", "oidc-provider",
                                           "package.json")):
            raise TestIdpError(f"{self.idp_dir}/node_modules lacks oidc-provider: "
                               "run `npm ci --prefix tests/idp`")

        env = dict(os.environ)
        env["OIDC_TEST_PORT"] = "0"
        for key, name in (("access_ttl", "OIDC_TEST_ACCESS_TTL"), ("id_ttl", "OIDC_TEST_ID_TTL"),
                          ("redirect_uris", "OIDC_TEST_REDIRECT_URIS"),
                          ("client_id", "OIDC_TEST_CLIENT_ID")):
            if options[key] is not None:
                env[name] = str(options[key])
            else:
                env.pop(name, None)

        self._process = subprocess.Popen([node, script], cwd=self.idp_dir, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=None)
        try:
            line = self._read_ready_line()
            ready = json.loads(line)
            self.issuer = ready["issuer"]
            self.port = ready["port"]
        except BaseException:
            self.stop()
            raise
        self.client_id = options["client_id"] or "stagedoor-test"
        return self

    def _read_ready_line(self):
        deadline = time.monotonic() + TIMEOUT
        fd = self._process.stdout.fileno()
        data = b""
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TestIdpError(f"the test identity provider did not get ready in {TIMEOUT} s")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                status = self._process.wait(TIMEOUT)
                raise TestIdpError(f"the test identity provider exited ({status}) before it was "
                                   "ready; its messages are on stderr above")
            data += chunk
        return data.split(b"\n", 1)[0].decode()

    def stop(self):
        """Terminates the provider (SIGTERM, then SIGKILL after 10 s) and waits for it."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(TIMEOUT)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    def __enter__(self):
        if self._process is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __del__(self):
        try:
            self.stop()
        except Exception:  # interpreter shutdown: the provider exits with our stdin anyway
            pass

    # Plain HTTP against the provider

    def _request(self, path_or_url, data=None, headers=None, method=None):
        """Returns (status, body bytes) of one request; HTTP errors are answers too."""
        url = urllib.parse.urljoin(self.issuer + "/", path_or_url)
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        try:
            with _DIRECT.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()

    def discovery(self):
        """The provider's discovery document, as a dict."""
        status, body = self._request("/.well-known/openid-configuration")
        if status != 200:
            raise TestIdpError(f"discovery answered HTTP {status}")
        return json.loads(body)

    def stats(self):
        """All request counts (GET /test/stats), as a dict."""
        status, body = self._request("/test/stats")
        if status != 200:
            raise TestIdpError(f"GET /test/stats answered HTTP {status}")
        return json.loads(body)

    def count(self, endpoint):
        """Requests to one endpoint since start or the last reset: discovery, jwks,
        authorization, resume, pushed_authorization_request, token, revocation, userinfo,
        end_session, end_session_confirm, end_session_success or total."""
        stats = self.stats()
        if endpoint not in stats:
            raise KeyError(f"the test identity provider counts no endpoint {endpoint!r}")
        return stats[endpoint]

    def reset_counts(self):
        """Zeroes the request counts (POST /test/reset)."""
        status, _ = self._request("/test/reset", data=b"", method="POST")
        if status != 204:
            raise TestIdpError(f"POST /test/reset answered HTTP {status}")

    def token(self, form, client_secret=None):
        """POSTs `form` to the token endpoint; returns (status, parsed JSON answer). With
        `client_secret` it authenticates form["client_id"] with client_secret_basic."""
        form = dict(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if client_secret is not None:
            client_id = form.pop("client_id")
            pair = f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        status, body = self._request("/token", data=form, headers=headers)
        return status, json.loads(body or b"{}")

    def try_refresh(self, refresh_token):
        """Sends a refresh_token grant for the public client: None if the provider accepts it,
        else the OAuth error code it answered (e.g. "invalid_grant")."""
        status, answer = self.token({"grant_type": "refresh_token", "client_id": self.client_id,
                                     "refresh_token": refresh_token})
        if status == 200:
            return None
        return answer.get("error", f"HTTP {status}")

    # The user

    def authorize(self, authorization_uri, redirect_uri, login="alice", cancel=False):
        """Plays the user in a browser of its own: follows `authorization_uri`, signs in as
        `login` (any password) and consents, and returns the URL the provider redirected to
        (starting with `redirect_uri`) without loading it. With `cancel` it follows the login
        page's Cancel link instead, and the provider redirects with error=access_denied."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPCookieProcessor(CookieJar()),
                                             _NoRedirect())
        url, data = authorization_uri, None
        for _ in range(_MAX_STEPS):
            if url.startswith(redirect_uri):
                return url
            request = urllib.request.Request(url, data=data)
            try:
                with opener.open(request, timeout=TIMEOUT) as response:
                    status, headers, body = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                with error:
                    status, headers, body = error.code, error.headers, error.read()

            if status in (301, 302, 303, 307, 308):
                location = headers.get("Location")
                if not location:
                    raise TestIdpError(f"HTTP {status} from {url} without a Location")
                url, data = (location if location.startswith(redirect_uri)
                             else urllib.parse.urljoin(url, location)), None
                continue

            text = body.decode("utf-8", "replace")
            if status != 200:
                raise TestIdpError(f"HTTP {status} from {url}: {_page_text(text)}")
            page = _PageParser()
            page.feed(text)
            if cancel:
                if not page.abort:
                    raise TestIdpError(f"no Cancel link on the page at {url}")
                url, data = urllib.parse.urljoin(url, html.unescape(page.abort)), None
            elif page.prompt == "login" and page.action:
                url = urllib.parse.urljoin(url, page.action)
                data = urllib.parse.urlencode({"prompt": "login", "login": login,
                                               "password": "any"}).encode()
            elif page.prompt == "consent" and page.action:
                url = urllib.parse.urljoin(url, page.action)
                data = urllib.parse.urlencode({"prompt": "consent"}).encode()
            else:
                raise TestIdpError(f"unexpected page at {url}: {_page_text(text)}")
        raise TestIdpError(f"no redirect to {redirect_uri} after {_MAX_STEPS} steps")


def _self_check():
    """Runs the code flow with PKCE (the RFC 7636 Appendix B pair) end to end."""
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge

    passed = 0

    def check(condition, what):
        nonlocal passed
        print(("ok - " if condition else "not ok - ") + what)
        if not condition:
            print(f"{passed} passed, 1 failed")
            raise SystemExit(1)
        passed += 1

    with TestIdp() as idp:
        discovery = idp.discovery()
        check(discovery["issuer"] == idp.issuer, "discovery names the issuer")
        check(discovery.get("authorization_response_iss_parameter_supported") is True,
              "discovery advertises iss in authorization responses")

        redirect_uri = f"http://127.0.0.1:{idp.port + 1}/callback"  # any loopback port
        query = urllib.parse.urlencode({
            "client_id": idp.client_id, "redirect_uri": redirect_uri, "response_type": "code",
            "scope": "openid email profile offline_access", "state": "s-1", "nonce": "n-1",
            "code_challenge": challenge, "code_challenge_method": "S256"})
        uri = discovery["authorization_endpoint"] + "?" + query
        idp.reset_counts()
        result = urllib.parse.urlsplit(idp.authorize(uri, redirect_uri, login="bob"))
        params = dict(urllib.parse.parse_qsl(result.query))
        check("code" in params and params.get("state") == "s-1", "redirect carries code, state")
        check(params.get("iss") == idp.issuer, "redirect carries iss")
        check(idp.count("authorization") == 1 and idp.count("total") == 3,
              "one authorization request and two resumes counted")

        status, tokens = idp.token({"grant_type": "authorization_code", "code": params["code"],
                                    "redirect_uri": redirect_uri, "client_id": idp.client_id,
                                    "code_verifier": verifier})
        check(status == 200 and {"id_token", "access_token", "refresh_token"} <= tokens.keys(),
              "code exchanged for id, access and refresh tokens")
        payload = tokens["id_token"].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        check(claims["sub"] == "bob" and claims["email"] == "bob@example.test"
              and claims["name"] == "Bob Example" and claims["nonce"] == "n-1",
              "id_token claims")
        check(idp.count("token") == 1, "token request counted")

        check(idp.try_refresh(tokens["refresh_token"]) is None, "refresh accepted once")
        check(idp.try_refresh(tokens["refresh_token"]) == "invalid_grant",
              "rotated-away refresh token is invalid_grant")

        result = urllib.parse.urlsplit(idp.authorize(uri, redirect_uri, cancel=True))
        params = dict(urllib.parse.parse_qsl(result.query))
        check(params.get("error") == "access_denied" and params.get("state") == "s-1",
              "cancel yields access_denied")
    check(idp._process is None, "provider stopped")
    print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(_self_check())
