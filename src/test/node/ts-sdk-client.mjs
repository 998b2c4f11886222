// The official MCP TypeScript SDK (v1) client, driven from the Java integration tests.
//
//   node ts-sdk-client.mjs <url> list
//   node ts-sdk-client.mjs <url> call <tool> '<arguments JSON>'
//   node ts-sdk-client.mjs <url> cancel <tool> '<arguments JSON>' <abortAfterMs>
//
// Connects over Streamable HTTP, runs the scenario and prints one JSON document on stdout:
//   list -> {"protocolVersion", "serverInfo", "capabilities", "sessionId", "tools": [...]}
//   call -> {"protocolVersion", "serverInfo", "sessionId", "result": {...}}
//   cancel -> {"protocolVersion", "serverInfo", "sessionId", "aborted", "errors": [...], "after": {...}}
// "cancel" aborts the call after <abortAfterMs> (the SDK sends notifications/cancelled), waits a
// second for anything the server still sends about it, records every error the client reports
// (Client.onerror: a response to the cancelled request is "unknown message ID"), and calls ping to
// show the session still serves.
// "call" lists the tools first, as real clients do, so the SDK checks structuredContent against
// the tool's outputSchema. Both end with a session DELETE (terminateSession). On any failure it
// prints a message on stderr (with the error's code: the HTTP status of a refused request, or the
// JSON-RPC code of an error answer) and exits 1 (2 for bad usage, 3 when the whole run times out).
//
// TOOLGATE_CLIENT_HEADERS, when set, is a JSON object of extra HTTP headers sent with every request
// (an API key, say), as an application configures them with requestInit.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const REQUEST_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 40_000;

function usage(message) {
    process.stderr.write(`${message}\nusage: ts-sdk-client.mjs <url> list | <url> call <tool> '<arguments JSON>'\n`);
    process.exit(2);
}

const [url, scenario, ...rest] = process.argv.slice(2);
if (!url || !scenario) {
    usage('missing arguments');
}
let callName;
let callArguments;
let abortAfterMs;
if (scenario === 'call' || scenario === 'cancel') {
    if (rest.length !== (scenario === 'call' ? 2 : 3)) {
        usage(`${scenario} needs a tool name and an arguments JSON object${scenario === 'cancel' ? ' and a delay' : ''}`);
    }
    abortAfterMs = Number(rest[2]);
    callName = rest[0];
    try {
        callArguments = JSON.parse(rest[1]);
    } catch (e) {
        usage(`arguments are not JSON: ${e.message}`);
    }
} else if (scenario !== 'list' || rest.length !== 0) {
    usage(`unknown scenario: ${[scenario, ...rest].join(' ')}`);
}

let headers = {};
if (process.env.TOOLGATE_CLIENT_HEADERS) {
    try {
        headers = JSON.parse(process.env.TOOLGATE_CLIENT_HEADERS);
    } catch (e) {
        usage(`TOOLGATE_CLIENT_HEADERS is not a JSON object: ${e.message}`);
    }
}

const watchdog = setTimeout(() => {
    process.stderr.write(`ts-sdk-client: ${scenario} did not finish within ${RUN_TIMEOUT_MS} ms\n`);
    process.exit(3);
}, RUN_TIMEOUT_MS);

async function listAllTools(client) {
    const tools = [];
    let cursor;
    do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: REQUEST_TIMEOUT_MS });
        tools.push(...page.tools);
        cursor = page.nextCursor;
    } while (cursor);
    return tools;
}

async function cancelledCall(client) {
    const errors = [];
    client.onerror = error => errors.push(String(error && error.message ? error.message : error));
    const abort = new AbortController();
    setTimeout(() => abort.abort('the user pressed stop'), abortAfterMs);
    let aborted = null;
    try {
        const result = await client.callTool({ name: callName, arguments: callArguments }, undefined,
            { timeout: REQUEST_TIMEOUT_MS, signal: abort.signal });
        aborted = { answered: result };
    } catch (error) {
        aborted = String(error && error.message ? error.message : error);
    }
    await new Promise(resolve => setTimeout(resolve, 1_000));
    const after = await client.ping({ timeout: REQUEST_TIMEOUT_MS });
    return { aborted, errors, after };
}

async function main() {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
    const client = new Client({ name: 'toolgate-ts-sdk-interop', version: '1.0.0' });
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    const output = {
        protocolVersion: transport.protocolVersion ?? null,
        serverInfo: client.getServerVersion() ?? null,
        sessionId: transport.sessionId ?? null,
    };
    try {
        const tools = await listAllTools(client);
        if (scenario === 'list') {
            output.capabilities = client.getServerCapabilities() ?? null;
            output.tools = tools;
        } else if (scenario === 'cancel') {
            Object.assign(output, await cancelledCall(client));
        } else {
            output.result = await client.callTool({ name: callName, arguments: callArguments }, undefined,
                { timeout: REQUEST_TIMEOUT_MS });
        }
        await transport.terminateSession();
    } finally {
        await client.close();
    }
    return output;
}

main().then(output => {
    clearTimeout(watchdog);
    process.stdout.write(JSON.stringify(output) + '\n');
}, error => {
    clearTimeout(watchdog);
    const detail = error && error.stack ? error.stack : String(error);
    const code = error && error.code !== undefined ? ` (code ${error.code})` : '';
    process.stderr.write(`ts-sdk-client: ${scenario} against ${url} failed${code}: ${detail}\n`);
    process.exitCode = 1;
});
