// The official MCP TypeScript SDK (v1) client with its OAuth support (MCP authorization), driven from
// the Java integration tests.
//
//   node ts-sdk-oauth-client.mjs <url> <issuer> <client id> <client secret> list
//   node ts-sdk-oauth-client.mjs <url> <issuer> <client id> <client secret> call <tool> '<arguments JSON>'
//
// The client starts without a token: the server's 401 names its Protected Resource Metadata, the SDK
// reads it, discovers the authorization server, gets a token (client_credentials, with the resource
// indicator) and retries. Prints one JSON document: {"http": [every HTTP exchange as "METHOD url ->
// status"], "tools": [...]} or {"http", "result"}. Exits 1 on failure (message on stderr).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';

const [url, issuer, clientId, clientSecret, scenario, tool, args] = process.argv.slice(2);
if (!url || !issuer || !clientId || !clientSecret || !['list', 'call'].includes(scenario)) {
    process.stderr.write('usage: ts-sdk-oauth-client.mjs <url> <issuer> <client id> <client secret> list | call <tool> <json>\n');
    process.exit(2);
}
const watchdog = setTimeout(() => {
    process.stderr.write('ts-sdk-oauth-client: did not finish within 40 s\n');
    process.exit(3);
}, 40_000);

const http = [];
const recording = async (input, init) => {
    const response = await fetch(input, init);
    http.push(`${init?.method ?? 'GET'} ${typeof input === 'string' ? input : input.href ?? input.url} -> ${response.status}`);
    return response;
};

async function main() {
    const authProvider = new ClientCredentialsProvider({ clientId, clientSecret, expectedIssuer: issuer });
    const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider, fetch: recording });
    const client = new Client({ name: 'toolgate-ts-sdk-oauth', version: '1.0.0' });
    await client.connect(transport, { timeout: 15_000 });
    try {
        const output = { http };
        const listed = await client.listTools(undefined, { timeout: 15_000 });
        if (scenario === 'list') {
            output.tools = listed.tools;
        } else {
            output.result = await client.callTool({ name: tool, arguments: JSON.parse(args) }, undefined, { timeout: 15_000 });
        }
        return output;
    } finally {
        await client.close();
    }
}

main().then(output => {
    clearTimeout(watchdog);
    process.stdout.write(JSON.stringify(output) + '\n');
}, error => {
    clearTimeout(watchdog);
    process.stderr.write(`ts-sdk-oauth-client: ${error && error.stack ? error.stack : error}\nhttp: ${JSON.stringify(http)}\n`);
    process.exitCode = 1;
});
