// A real OAuth 2.1 / OpenID authorization server for the Java integration tests: two oidc-provider
// instances (the trusted issuer and another one, for wrong-issuer cases) on free loopback ports.
//
//   node authorization-server.mjs
//
// Prints one JSON line on stdout once both listen:
//   {"issuer", "otherIssuer", "signingKey": <the trusted issuer's private JWK, for tests that forge
//    tokens (expired, not yet valid...)>, "exchanges": <URL counting token exchanges and
//    introspections>}
// and serves until killed; POST /test/rotate replaces the trusted issuer's signing key; POST /test/down makes
// the trusted issuer answer every other request 503 (an outage) until POST /test/up; GET /test/jwks-requests
// counts the requests for its key set (answered or not), and as otherJwksRequests those for the other issuer's;
// POST /test/slow-keys?ms=N has it answer each request for its key set N ms late (0: at once); POST
// /test/trickle-keys?count=N has it answer the next N a byte every 200 ms, never to the end; POST /test/late-keys?ms=N has it
// answer the next one N ms late with the key set it published when that request came in (a key rotated in meanwhile is
// not in it, as with a server whose answer was on its way). AS_TOKEN_TTL sets the access tokens' lifetime
// in seconds (default 300). Both issuers register the same clients:
//   mcp-client / mcp-client-secret  client_credentials (what an MCP client uses)
//   toolgate   / toolgate-secret    client_credentials, introspection and token exchange (the gateway)
// Access tokens are JWTs for any resource indicator, except resources ending in /opaque (opaque
// tokens, for introspection). Token exchange (RFC 8693) is a grant registered with the provider: it
// verifies the subject token and mints a token for the requested audience, with azp=toolgate.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import * as jose from 'jose';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
let exchanges = 0;
let introspections = 0;

async function signingKey(kid) {
    const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

function listen() {
    const server = http.createServer();
    return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function provider(issuer, jwk) {
    const clients = [
        { client_id: 'mcp-client', client_secret: 'mcp-client-secret', grant_types: ['client_credentials'],
          redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
        { client_id: 'toolgate', client_secret: 'toolgate-secret', grant_types: ['client_credentials', TOKEN_EXCHANGE],
          redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
    ];
    const oidc = new Provider(issuer, {
        clients,
        jwks: { keys: [jwk] },
        scopes: ['openid', 'mcp:tools', 'mcp:admin'],
        features: {
            devInteractions: { enabled: false },
            clientCredentials: { enabled: true },
            introspection: { enabled: true },
            resourceIndicators: {
                enabled: true,
                useGrantedResource: () => true,
                getResourceServerInfo: (ctx, resource) => ({
                    scope: 'mcp:tools mcp:admin',
                    audience: resource,
                    accessTokenTTL: Number(process.env.AS_TOKEN_TTL ?? 300),
                    accessTokenFormat: resource.endsWith('/opaque') ? 'opaque' : 'jwt',
                    jwt: { sign: { alg: 'RS256' } },
                }),
            },
        },
    });
    const publicKeys = jose.createLocalJWKSet({ keys: [{ ...jwk, d: undefined, p: undefined, q: undefined,
        dp: undefined, dq: undefined, qi: undefined }] });
    oidc.registerGrantType(TOKEN_EXCHANGE, async (ctx) => {
        const { subject_token: subject, subject_token_type: subjectType, audience, scope } = ctx.oidc.params;
        if (subjectType !== ACCESS_TOKEN_TYPE) {
            throw new errors.InvalidRequest('unsupported subject_token_type');
        }
        let claims;
        try {
            ({ payload: claims } = await jose.jwtVerify(subject, publicKeys, { issuer }));
        } catch (e) {
            throw new errors.InvalidGrant('the subject token is not valid');
        }
        exchanges++;
        const key = await jose.importJWK(jwk, 'RS256');
        const token = await new jose.SignJWT({ scope: scope ?? claims.scope, client_id: ctx.oidc.client.clientId,
                                               azp: ctx.oidc.client.clientId, exchanged_from: claims.jti })
            .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
            .setIssuer(issuer).setSubject(claims.sub).setAudience(audience ?? 'upstream')
            .setIssuedAt().setExpirationTime('5m').setJti(crypto.randomUUID()).sign(key);
        ctx.body = { access_token: token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 300 };
    }, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience',
        'scope']);
    oidc.on('server_error', (ctx, error) => process.stderr.write(`authorization-server: ${error.stack}\n`));
    return oidc;
}

const trusted = await listen();
const other = await listen();
const issuer = `http://127.0.0.1:${trusted.address().port}`;
const otherIssuer = `http://127.0.0.1:${other.address().port}`;
const key = await signingKey('trusted-key-1');
let trustedProvider = provider(issuer, key);
let rotations = 1;
let down = false;
let jwksRequests = 0;
let otherJwksRequests = 0;
let keysDelay = 0;
let trickles = 0;
let lateKeys = 0;
trusted.on('request', async (req, res) => {
    if (req.url === '/test/down' || req.url === '/test/up') {
        down = req.url === '/test/down';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ down }));
        return;
    }
    if (req.url === '/test/jwks-requests') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jwksRequests, otherJwksRequests }));
        return;
    }
    if (req.url.startsWith('/test/slow-keys') && req.method === 'POST') {
        keysDelay = Number(new URL(req.url, issuer).searchParams.get('ms') ?? 0);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keysDelay }));
        return;
    }
    if (req.url.startsWith('/test/trickle-keys') && req.method === 'POST') {
        trickles = Number(new URL(req.url, issuer).searchParams.get('count') ?? 1);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ trickles }));
        return;
    }
    if (req.url.startsWith('/test/late-keys') && req.method === 'POST') {
        lateKeys = Number(new URL(req.url, issuer).searchParams.get('ms') ?? 0);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ lateKeys }));
        return;
    }
    if (req.url.startsWith('/jwks')) {
        jwksRequests++;
        if (lateKeys > 0) {
            const published = trustedProvider;
            const delay = lateKeys;
            lateKeys = 0;
            await new Promise(resolve => setTimeout(resolve, delay));
            published.callback()(req, res);
            return;
        }
        if (trickles > 0) {
            // a key set that never finishes arriving: a byte every 200 ms of 400,000 promised
            trickles--;
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400000' });
            const drip = setInterval(() => res.write(' '), 200);
            res.on('close', () => clearInterval(drip));
            return;
        }
        if (keysDelay > 0) {
            await new Promise(resolve => setTimeout(resolve, keysDelay));
        }
    }
    if (down) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for the test');
        return;
    }
    if (req.url === '/test/exchanges') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exchanges, introspections }));
        return;
    }
    if (req.url === '/token/introspection') {
        introspections++;
    }
    if (req.url === '/test/rotate' && req.method === 'POST') {
        // a key rotation: from now on the issuer signs with a new key and publishes only that one
        const kid = `trusted-key-${++rotations}`;
        trustedProvider = provider(issuer, await signingKey(kid));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kid }));
        return;
    }
    trustedProvider.callback()(req, res);
});
const otherProvider = provider(otherIssuer, await signingKey('other-key-1'));
other.on('request', (req, res) => {
    if (req.url.startsWith('/jwks')) {
        otherJwksRequests++;
    }
    otherProvider.callback()(req, res);
});
process.stdout.write(JSON.stringify({ issuer, otherIssuer, signingKey: key, exchanges: `${issuer}/test/exchanges` }) + '\n');
