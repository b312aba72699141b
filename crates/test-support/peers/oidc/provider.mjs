// A real, OpenID Certified provider for the tests: one static client with PKCE required, dev interactions on
// (any login name, any password), accounts invented from the login name. Prints `READY <issuer>` when listening.
//   OIDC_PORT=0 REDIRECT_URI=http://127.0.0.1/api/v1/auth/oidc/callback/ APPLICATION_TYPE=native node provider.mjs
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';
import Provider from 'oidc-provider';

const server = createServer();
server.listen(Number(process.env.OIDC_PORT ?? 0), '127.0.0.1');
await once(server, 'listening');
const issuer = `http://127.0.0.1:${server.address().port}`;
const redirectUris = (process.env.REDIRECT_URI ?? 'http://127.0.0.1/api/v1/auth/oidc/callback/').split(',');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID ?? 'orderflow',
    client_secret: process.env.CLIENT_SECRET ?? 'orderflow-secret',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    // `native`: any loopback port matches the registered redirect URI, so the service may pick its port later.
    application_type: process.env.APPLICATION_TYPE ?? 'native',
  }],
  jwks: { keys: [signingKey] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'phone'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    // `login` names the account; `unverified-*` accounts have an email the provider did not verify.
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id.replace(/^unverified-/, '')}@example.test`,
          email_verified: !id.startsWith('unverified-'),
          given_name: 'Alice',
          family_name: 'Wanjiru',
          phone_number: '+254711000001',
          phone_number_verified: true,
        };
      },
    };
  },
});
server.on('request', provider.callback());
console.log(`READY ${issuer}`);
