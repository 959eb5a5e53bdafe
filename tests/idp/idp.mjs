// The OpenID Connect identity provider that Stagedoor's tests sign in against.
//
// It runs oidc-provider on 127.0.0.1 with an in-memory store, its development login and consent
// pages, and two statically registered clients. When it listens it prints exactly one line to
// stdout:
//
//   {"issuer":"http://127.0.0.1:PORT","port":PORT}
//
// and everything else goes to stderr. It exits on SIGTERM, SIGINT and when its stdin closes, so a
// test that crashes never leaves it running (set OIDC_TEST_IGNORE_STDIN=1 to run it by hand with
// stdin on /dev/null).
//
// Environment:
//   OIDC_TEST_PORT           port to listen on; 0 (the default) picks a free one
//   OIDC_TEST_ACCESS_TTL     AccessToken lifetime in seconds (3600)
//   OIDC_TEST_ID_TTL         IdToken lifetime in seconds (3600)
//   OIDC_TEST_REDIRECT_URIS  comma-separated redirect URIs of both clients
//                            (http://127.0.0.1/callback,io.github.stagedoor.test:/callback)
//   OIDC_TEST_POST_LOGOUT_REDIRECT_URIS  comma-separated post-logout redirect URIs of both clients
//                            (http://127.0.0.1/logout,io.github.stagedoor.test:/logout)
//   OIDC_TEST_CLIENT_ID      client_id of the public native client (stagedoor-test)
//   OIDC_TEST_VERBOSE=1      keep oidc-provider's development-only notices and log each request
//
// Test-only endpoints, answered before the provider sees the request:
//   GET  /test/stats  JSON object: requests per endpoint since start or the last reset
//   POST /test/reset  zeroes those counts (204)

import * as crypto from 'node:crypto';
import * as http from 'node:http';

const verbose = process.env.OIDC_TEST_VERBOSE === '1';

// stdout carries the ready line and nothing else: oidc-provider prints its notices with
// console.info, so send every console stream to stderr, and drop the development-only warnings
// that this provider triggers on purpose.
const NOISE = [
  'a quick start development-only',
  'you\'ve configured your own interactions.url',
];
function toStderr(...args) {
  const line = args.map(String).join(' ');
  if (!verbose && (line.startsWith('oidc-provider NOTICE')
                   || NOISE.some((text) => line.includes(text)))) {
    return;
  }
  process.stderr.write(`idp: ${line}\n`);
}
console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;

function log(message) {
  process.stderr.write(`idp: ${message}\n`);
}

function fail(message) {
  log(message);
  process.exit(1);
}

function seconds(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    fail(`${name} must be a positive integer, not "${raw}"`);
  }
  return value;
}

function uriList(name, fallback) {
  const raw = process.env[name];
  const list = (raw === undefined || raw === '' ? fallback : raw)
    .split(',').map((uri) => uri.trim()).filter(Boolean);
  if (list.length === 0) fail(`${name} names no URI`);
  return list;
}

const portText = process.env.OIDC_TEST_PORT || '0';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`OIDC_TEST_PORT is not a port: "${portText}"`);
}

const accessTtl = seconds('OIDC_TEST_ACCESS_TTL', 3600);
const idTtl = seconds('OIDC_TEST_ID_TTL', 3600);
const redirectUris = uriList('OIDC_TEST_REDIRECT_URIS',
  'http://127.0.0.1/callback,io.github.stagedoor.test:/callback');
const postLogoutRedirectUris = uriList('OIDC_TEST_POST_LOGOUT_REDIRECT_URIS',
  'http://127.0.0.1/logout,io.github.stagedoor.test:/logout');
const publicClientId = process.env.OIDC_TEST_CLIENT_ID || 'stagedoor-test';

// Die with the parent: a test harness holds our stdin open for as long as it runs.
function exit(why) {
  if (verbose || why === 'stdin closed') log(`exiting (${why})`);
  process.exit(0);
}
process.on('SIGTERM', () => exit('SIGTERM'));
process.on('SIGINT', () => exit('SIGINT'));
if (process.env.OIDC_TEST_IGNORE_STDIN !== '1') {
  process.stdin.on('end', () => exit('stdin closed'));
  process.stdin.on('close', () => exit('stdin closed'));
  process.stdin.on('error', () => exit('stdin error'));
  process.stdin.on('data', () => {});
  process.stdin.resume();
}

// A fresh RS256 signing key per run, its kid the RFC 7638 thumbprint.
function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  const kid = crypto.createHash('sha256').update(canonical).digest('base64url');
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function capitalized(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Any login typed into the development form is an account of its own.
async function findAccount(ctx, sub) {
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        email: `${sub}@example.test`,
        email_verified: true,
        name: `${capitalized(sub)} Example`,
      };
    },
  };
}

// Requests counted by the provider's route name. 'authorization' counts the requests a client
// sends to /auth; 'resume' counts the browser's returns through /auth/:uid after an interaction.
const COUNTED = [
  'discovery', 'jwks', 'authorization', 'resume', 'pushed_authorization_request', 'token',
  'revocation', 'userinfo', 'end_session', 'end_session_confirm', 'end_session_success',
];
let counts;
function resetCounts() {
  counts = Object.fromEntries(COUNTED.map((name) => [name, 0]));
  counts.total = 0;
}
resetCounts();

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = JSON.stringify(body);
}

async function testEndpoints(ctx, next) {
  if (ctx.path.startsWith('/test/')) {
    if (ctx.path === '/test/stats' && ctx.method === 'GET') {
      json(ctx, 200, counts);
    } else if (ctx.path === '/test/reset' && ctx.method === 'POST') {
      resetCounts();
      ctx.status = 204;
    } else {
      json(ctx, 404, {
        error: 'not_found',
        error_description: `no test endpoint ${ctx.method} ${ctx.path}`,
      });
    }
    return;
  }

  try {
    await next();
  } finally {
    // koa sends the response only after the middleware resolves, so a client that got its
    // answer always finds it counted.
    const route = ctx._matchedRouteName;
    if (route && Object.hasOwn(counts, route)) {
      counts[route] += 1;
      counts.total += 1;
    }
    if (verbose) log(`${ctx.method} ${ctx.path} -> ${ctx.status} (${route || 'no route'})`);
  }
}

// Listen first: with port 0 the issuer is known only once the kernel chose the port.
const server = http.createServer();
// Longer than any client's idle timeout, so that no client reuses a connection being closed.
server.keepAliveTimeout = 60_000;
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`));
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const { port: boundPort } = server.address();
const issuer = `http://127.0.0.1:${boundPort}`;

// Imported only now so that its load-time notices meet the console set up above.
const { default: Provider } = await import('oidc-provider');

const clientDefaults = {
  application_type: 'native',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: redirectUris,
  post_logout_redirect_uris: postLogoutRedirectUris,
};

const provider = new Provider(issuer, {
  clients: [
    { ...clientDefaults, client_id: publicClientId, token_endpoint_auth_method: 'none' },
    {
      ...clientDefaults,
      client_id: 'stagedoor-secret',
      client_secret: 'not-so-secret',
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey()] },
  findAccount,
  claims: {
    acr: null,
    sid: null,
    auth_time: null,
    iss: null,
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  responseTypes: ['code'],
  pkce: { methods: ['S256'], required: () => true },
  // Put the scope claims in the ID Token from the token endpoint too, as most real providers do;
  // the userinfo endpoint serves them as well.
  conformIdTokenClaims: false,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // The confirmation page confirms by itself once loaded, as providers do when the client
      // sends id_token_hint: the library visits it in a hidden web view where nobody could press
      // "Yes". Its form and buttons stay for clients that do not run scripts.
      logoutSource: async (ctx, form) => {
        ctx.type = 'html';
        ctx.body = `<!DOCTYPE html><html><head><title>Sign out</title></head><body>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>
<script>document.querySelector('button[name=logout]').click();</script></body></html>`;
      },
    },
    userinfo: { enabled: true },
    introspection: { enabled: false },
    registration: { enabled: false },
  },
  ttl: {
    AccessToken: accessTtl,
    IdToken: idTtl,
    AuthorizationCode: 60,
    RefreshToken: 14 * 24 * 60 * 60,
    Interaction: 60 * 60,
    Session: 14 * 24 * 60 * 60,
    Grant: 14 * 24 * 60 * 60,
  },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  clientBasedCORS: () => true,
  // A terse error page without the default one's web font import and its notice.
  renderError: async (ctx, out) => {
    const escape = (text) => String(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const items = Object.entries(out)
      .map(([key, value]) => `<pre><strong>${escape(key)}</strong>: ${escape(value)}</pre>`)
      .join('');
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><head><title>error</title></head><body>${items}</body></html>`;
  },
});

// RFC 8252 section 7.3: a loopback redirect URI of a native client may use any port. oidc-provider
// already allows that for redirect_uri; do the same for post_logout_redirect_uri.
const { postLogoutRedirectUriAllowed } = provider.Client.prototype;
provider.Client.prototype.postLogoutRedirectUriAllowed = function anyLoopbackPort(value) {
  if (postLogoutRedirectUriAllowed.call(this, value)) return true;
  let parsed;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  if (this.applicationType !== 'native' || parsed.protocol !== 'http:'
      || !['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    return false;
  }
  parsed.port = '';
  return postLogoutRedirectUriAllowed.call(this, parsed.href);
};

provider.use(testEndpoints);
provider.on('server_error', (ctx, error) => log(`server error on ${ctx.path}: ${error.stack}`));

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer, port: boundPort })}\n`);
log(`listening at ${issuer}`);
