// A real OpenID Connect provider (panva's oidc-provider) on loopback, configured like
// ApprovalMax's: /connect/token and /connect/authorize, a confidential client, PS256 JWT access
// tokens (typ at+jwt) for the public API, offline_access refresh tokens that rotate.
//
// Login and consent happen on their own: the interaction route finishes them at once, so a
// test gets an authorization code by following redirects until one points at the redirect URI.
// With login_hint=deny the user refuses instead (access_denied).
//
// Usage: node server.mjs READY-FILE   (listens on 127.0.0.1, an ephemeral port; writes
// {"issuer": …} to READY-FILE once it accepts connections). GET /test/stats answers how many
// token requests of each grant type it saw, per client.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync, renameSync } from 'node:fs';

import Provider from 'oidc-provider';

const readyFile = process.argv[2];
const READ = 'https://www.approvalmax.com/scopes/public_api/read';
const WRITE = 'https://www.approvalmax.com/scopes/public_api/write';
const RESOURCE = 'https://public-api.approvalmax.com';
const CONNECTION = 'https://www.approvalmax.com/connection';
const REDIRECT_URI = 'https://app.example.test/callback';
// Clients whose access tokens live seconds, not an hour: the fleet, `exec` and `serve` tests.
// serve's clients check every token with the API stand-in, so theirs live long enough for
// one renewed halfway through its life to have more than a second left when handed out.
const SHORT_LIVED = {
  'amtoken-fleet': 2,
  'amtoken-fleet-readers': 2,
  'amtoken-fleet-approle': 2,
  'amtoken-exec': 2,
  'amtoken-serve': 4,
  // Issue 27: renewals 3 s apart (halfway through 6 s), past the idle-closing proxy's 2 s;
  // a Vault token that expires mid-run.
  'amtoken-idle-serve': 6,
  'amtoken-idle-exec': 6,
  'amtoken-vault-ttl': 6,
  // tests/soak: tokens of 8 s, renewed every 5 s, for minutes on end.
  'amtoken-soak-serve': 8,
  'amtoken-soak-exec': 8,
  'amtoken-soak-fleet': 8,
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: '6B2F1C0DA4E3498F8E5A7C11D9B0E2F4',
  alg: 'PS256',
  use: 'sig',
};

const client = (id, authMethod) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: authMethod,
  // The only signing key is PS256, as ApprovalMax's.
  id_token_signed_response_alg: 'PS256',
});

// Token requests per client and grant type, for the concurrency tests: { client: { grant: n } }.
const stats = {};
const count = (ctx, key) => {
  const client = ctx.oidc.client?.clientId ?? 'unknown';
  stats[client] ??= { authorization_code: 0, refresh_token: 0, errors: 0 };
  stats[client][key] = (stats[client][key] ?? 0) + 1;
};

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      client('amtoken-post', 'client_secret_post'),
      client('amtoken-basic', 'client_secret_basic'),
      // One client per concurrency test, so each counts only its own requests.
      client('amtoken-many-file', 'client_secret_post'),
      client('amtoken-many-keyring', 'client_secret_post'),
      // `amtoken login` with a loopback redirect (RFC 8252: any port on 127.0.0.1).
      { ...client('amtoken-loopback', 'client_secret_post'), application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] },
      // Tests that count what was sent, each with clients of its own: the requests of tests
      // running at the same time are counted under theirs.
      ...['amtoken-replay', 'amtoken-foreign', 'amtoken-mismatch-a', 'amtoken-mismatch-b',
        'amtoken-callback-error', 'amtoken-locked', 'amtoken-kill-points'].map((id) => client(id, 'client_secret_post')),
      { ...client('amtoken-loopback-forged', 'client_secret_post'), application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] },
      // `logout --revoke` and `decode --verify`, counted apart from the others.
      client('amtoken-revoke', 'client_secret_post'),
      // The fleet tests (--store vault): access tokens that live 2 seconds, and one client per
      // test that counts refreshes.
      client('amtoken-fleet', 'client_secret_post'),
      client('amtoken-vault', 'client_secret_post'),
      client('amtoken-lease-killed', 'client_secret_post'),
      client('amtoken-lease-paused', 'client_secret_post'),
      client('amtoken-lease-rescued', 'client_secret_post'),
      client('amtoken-vault-rescue', 'client_secret_post'),
      client('amtoken-lease-late', 'client_secret_post'),
      client('amtoken-lease-rescue-waits', 'client_secret_post'),
      // `amtoken api` and `exec` against the API stand-in, counted apart.
      client('amtoken-api', 'client_secret_post'),
      // `exec` renewing its child's token, and `serve`: access tokens that live 2 seconds.
      client('amtoken-exec', 'client_secret_post'),
      client('amtoken-serve', 'client_secret_post'),
      // Fleet readers and refreshers (2-second tokens), counted apart from the other fleet test.
      client('amtoken-fleet-readers', 'client_secret_post'),
      // The fleet run again, with runners that log in to Vault by AppRole.
      client('amtoken-fleet-approle', 'client_secret_post'),
      // Issue 27's long-running tests, each counted apart.
      client('amtoken-idle-serve', 'client_secret_post'),
      client('amtoken-idle-exec', 'client_secret_post'),
      client('amtoken-vault-ttl', 'client_secret_post'),
      client('amtoken-vault-policy', 'client_secret_post'),
      client('amtoken-soak-serve', 'client_secret_post'),
      client('amtoken-soak-exec', 'client_secret_post'),
      client('amtoken-soak-fleet', 'client_secret_post'),
      // tests/bench/compare.sh: its refresh token does not rotate, so curl and amtoken can
      // both spend it over and over.
      client('amtoken-bench', 'client_secret_post'),
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['amtoken-test-cookie-key'] },
    routes: {
      authorization: '/connect/authorize',
      token: '/connect/token',
      revocation: '/connect/revocation',
      jwks: '/.well-known/openid-configuration/jwks',
      userinfo: '/connect/userinfo',
      end_session: '/connect/endsession',
    },
    scopes: ['openid', 'offline_access'],
    pkce: { methods: ['S256'], required: () => false },
    rotateRefreshToken: (ctx) => ctx.oidc.client?.clientId !== 'amtoken-bench',
    ttl: { AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600, AuthorizationCode: 300, RefreshToken: 30 * 24 * 3600, Grant: 30 * 24 * 3600, Session: 3600, Interaction: 600 },
    findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    extraTokenClaims: () => ({ idp: 'AMRemote', [CONNECTION]: 'c0ffee00-1234-4abc-8def-0123456789ab' }),
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => ({
          scope: `${READ} ${WRITE}`,
          accessTokenTTL: SHORT_LIVED[client.clientId] ?? 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'PS256' } },
        }),
      },
    },
  });

  provider.on('grant.success', (ctx) => count(ctx, ctx.oidc.params.grant_type));
  provider.on('grant.error', (ctx, error) => {
    count(ctx, 'errors');
    console.error(`grant.error ${error.message}: ${error.error_detail ?? ''}`);
  });

  // Like ApprovalMax (Duende IdentityServer), grant offline_access without prompt=consent:
  // oidc-provider follows OIDC Core strictly and drops it unless consent is prompted.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/connect/authorize') {
      const params = new URLSearchParams(ctx.querystring);
      if ((params.get('scope') ?? '').split(' ').includes('offline_access') && !params.has('prompt')) {
        params.set('prompt', 'consent');
        ctx.querystring = params.toString();
      }
    }
    await next();
  });

  provider.use(async (ctx, next) => {
    if (ctx.path === '/test/stats') {
      ctx.body = stats;
      return;
    }
    if (!ctx.path.startsWith('/interaction/')) {
      await next();
      return;
    }
    // Log the user in and consent to everything asked, without a page.
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result;
    if (params.login_hint === 'deny') {
      // A test asks for the user to refuse.
      result = { error: 'access_denied', error_description: 'the user said no' };
    } else if (prompt.name === 'login') {
      result = { login: { accountId: '5d1c2b7e-8f3a-4c6d-9e0b-1a2b3c4d5e6f' } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const missing = prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes || {})) {
        grant.addResourceScope(resource, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    const location = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    ctx.redirect(location);
  });

  server.on('request', provider.callback());
  if (readyFile) {
    writeFileSync(`${readyFile}.tmp`, JSON.stringify({ issuer }));
    renameSync(`${readyFile}.tmp`, readyFile);
  }
  console.error(`oidc-provider listening at ${issuer}`);
});
