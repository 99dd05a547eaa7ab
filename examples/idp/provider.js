// A real OpenID Connect provider (the OpenID-certified `oidc-provider` package) for the identity
// and connected-account tests and for trying end users locally. Everything comes from the environment:
//   PORT          port on 127.0.0.1 (required)
//   JWKS_FILE     JSON file {"keys": [private JWKs]}; the first signing key signs tokens (default: a
//                 fresh RS256 key for this run)
//   CLIENTS_FILE  JSON file [client metadata, ...] (required)
//   ID_TOKEN_TTL, ACCESS_TOKEN_TTL  seconds (default 3600)
//   GROUPS_FILE   JSON file {"user": ["group", ...]}: the `groups` claim (scope `groups`) of each
//                 login name, for the console's role mapping (default: no groups)
// Token exchange (RFC 8693): oidc-provider implements no token-exchange grant; it is added through the
// package's documented extension point for grant types (provider.registerGrantType), issuing the
// provider's own access tokens (stored, introspectable, revocable like every other). A client whose
// grant_types include it exchanges an ID token or JWT this provider signed for a user (the
// subject token) for an access token of that user for one audience; see docs/identity.md.
// Logins are the provider's development interactions: any login name with any password is that
// user. Not for production: see docs/identity.md for pointing a tenant at your real provider.
import fs from 'node:fs';
import Provider, { errors } from 'oidc-provider';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';

const port = Number(process.env.PORT);
if (!port) {
  console.error('PORT is required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const jwks = process.env.JWKS_FILE
  ? JSON.parse(fs.readFileSync(process.env.JWKS_FILE, 'utf8'))
  : { keys: [{ ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey)),
    alg: 'RS256', use: 'sig', kid: 'ephemeral' }] };
const clients = JSON.parse(fs.readFileSync(process.env.CLIENTS_FILE, 'utf8'));
const idTokenTtl = Number(process.env.ID_TOKEN_TTL ?? 3600);
const accessTokenTtl = Number(process.env.ACCESS_TOKEN_TTL ?? 3600);
const groups = process.env.GROUPS_FILE ? JSON.parse(fs.readFileSync(process.env.GROUPS_FILE, 'utf8')) : {};

const provider = new Provider(issuer, {
  clients,
  jwks,
  cookies: { keys: ['toolgate-example-idp-cookie-key'] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
  },
  ttl: {
    IdToken: idTokenTtl,
    AccessToken: accessTokenTtl,
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.test`, email_verified: true, name: id, groups: groups[id] ?? [] };
      },
    };
  },
});

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPES = new Set(['urn:ietf:params:oauth:token-type:id_token', 'urn:ietf:params:oauth:token-type:jwt']);
const ownKeys = createLocalJWKSet({
  keys: jwks.keys.map(({ kty, kid, alg, use, n, e, crv, x, y }) => ({ kty, kid, alg, use, n, e, crv, x, y })),
});

provider.registerGrantType(TOKEN_EXCHANGE, async (ctx) => {
  const { params, client } = ctx.oidc;
  if (!params.subject_token || !params.subject_token_type) {
    throw new errors.InvalidRequest('subject_token and subject_token_type are required');
  }
  if (!JWT_TYPES.has(params.subject_token_type)) {
    throw new errors.InvalidRequest('subject_token_type must be an ID token or a JWT of this provider');
  }
  if (params.requested_token_type
      && params.requested_token_type !== 'urn:ietf:params:oauth:token-type:access_token') {
    throw new errors.InvalidRequest('only access tokens are issued');
  }
  if (!params.audience) {
    throw new errors.InvalidTarget('audience is required');
  }
  let subject;
  try {
    ({ payload: subject } = await jwtVerify(params.subject_token, ownKeys, { issuer }));
  } catch (e) {
    throw new errors.InvalidGrant(`subject_token is not valid (${e.code ?? e.name})`);
  }
  if (!subject.sub) {
    throw new errors.InvalidGrant('subject_token has no subject');
  }
  const token = new provider.AccessToken({
    accountId: subject.sub,
    client,
    gty: TOKEN_EXCHANGE,
    scope: params.scope || undefined,
  });
  token.setAudience(params.audience);
  const value = await token.save();
  ctx.body = {
    access_token: value,
    issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    token_type: 'Bearer',
    expires_in: token.expiration,
    scope: token.scope || undefined,
  };
}, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type',
  'audience', 'resource', 'scope']);

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
