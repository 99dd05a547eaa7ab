// A real OpenID Connect provider (the OpenID-certified `oidc-provider` package) for the identity
// and connected-account tests and for trying end users locally. Everything comes from the environment:
//   PORT          port on 127.0.0.1 (required)
//   JWKS_FILE     JSON file {"keys": [private JWKs]}; the first signing key signs tokens (required)
//   CLIENTS_FILE  JSON file [client metadata, ...] (required)
//   ID_TOKEN_TTL, ACCESS_TOKEN_TTL  seconds (default 3600)
// Logins are the provider's development interactions: any login name with any password is that
// user. Not for production: see docs/identity.md for pointing a tenant at your real provider.
import fs from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) {
  console.error('PORT is required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(fs.readFileSync(process.env.JWKS_FILE, 'utf8'));
const clients = JSON.parse(fs.readFileSync(process.env.CLIENTS_FILE, 'utf8'));
const idTokenTtl = Number(process.env.ID_TOKEN_TTL ?? 3600);
const accessTokenTtl = Number(process.env.ACCESS_TOKEN_TTL ?? 3600);

const provider = new Provider(issuer, {
  clients,
  jwks,
  cookies: { keys: ['toolgate-example-idp-cookie-key'] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
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
        return { sub: id, email: `${id}@example.test`, email_verified: true, name: id };
      },
    };
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
