// The official MCP TypeScript SDK 2.x client (@modelcontextprotocol/client), driven from the Java
// integration tests, in a protocol era of the test's choosing.
//
//   node ts-sdk-v2-client.mjs <url> <era> list
//   node ts-sdk-v2-client.mjs <url> <era> call <tool> '<arguments JSON>' [<tool> '<arguments JSON>' ...]
//
// <era>: modern (pinned to 2026-07-28), auto (server/discover first, falls back to initialize) or
// legacy (initialize, as 1.x clients do). Prints one JSON document on stdout:
//   list -> {"era", "protocolVersion", "serverInfo", "capabilities", "tools": [...]}
//   call -> {"era", "protocolVersion", "serverInfo", "results": [{...}, ...], "inputRequests": [...]}
// "call" lists the tools first, as real clients do (the SDK needs a tool's inputSchema for its
// Mcp-Param headers and checks structuredContent against its outputSchema), then makes each call in
// turn. The client declares sampling and elicitation: a sampling request is answered with the text
// "sampled: <last message text>", an elicitation with {action: accept, content} filled from
// TOOLGATE_ELICITATION (a JSON object; default {}); each request the server made is listed in
// "inputRequests". On any failure it prints a message on stderr (with the error's code) and exits 1
// (2 for bad usage, 3 when the whole run times out).
//
// TOOLGATE_ROOTS, when set (a JSON array of roots), makes the client declare roots too and answer
// roots/list with them (listed in "inputRequests" as well).
// TOOLGATE_CLIENT_HEADERS, when set, is a JSON object of extra HTTP headers sent with every request.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const REQUEST_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 40_000;
const ERAS = { modern: { pin: '2026-07-28' }, auto: 'auto', legacy: 'legacy' };

function usage(message) {
    process.stderr.write(`${message}\nusage: ts-sdk-v2-client.mjs <url> modern|auto|legacy list | `
        + `<url> modern|auto|legacy call <tool> '<arguments JSON>' ...\n`);
    process.exit(2);
}

function json(text, what) {
    try {
        return JSON.parse(text);
    } catch (e) {
        usage(`${what} is not JSON: ${e.message}`);
    }
}

const [url, era, scenario, ...rest] = process.argv.slice(2);
if (!url || !(era in ERAS) || !scenario) {
    usage('missing or bad arguments');
}
const calls = [];
if (scenario === 'call') {
    if (rest.length === 0 || rest.length % 2 !== 0) {
        usage('call needs pairs of a tool name and an arguments JSON object');
    }
    for (let i = 0; i < rest.length; i += 2) {
        calls.push({ name: rest[i], arguments: json(rest[i + 1], 'arguments') });
    }
} else if (scenario !== 'list' || rest.length !== 0) {
    usage(`unknown scenario: ${[scenario, ...rest].join(' ')}`);
}
const headers = process.env.TOOLGATE_CLIENT_HEADERS ? json(process.env.TOOLGATE_CLIENT_HEADERS, 'TOOLGATE_CLIENT_HEADERS') : {};
const roots = process.env.TOOLGATE_ROOTS ? json(process.env.TOOLGATE_ROOTS, 'TOOLGATE_ROOTS') : null;
const elicited = process.env.TOOLGATE_ELICITATION ? json(process.env.TOOLGATE_ELICITATION, 'TOOLGATE_ELICITATION') : {};

const watchdog = setTimeout(() => {
    process.stderr.write(`ts-sdk-v2-client: ${scenario} did not finish within ${RUN_TIMEOUT_MS} ms\n`);
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

async function main() {
    const inputRequests = [];
    const client = new Client({ name: 'toolgate-ts-sdk-v2-interop', version: '1.0.0' }, {
        capabilities: { sampling: {}, elicitation: { form: {} }, ...(roots ? { roots: {} } : {}) },
        versionNegotiation: { mode: ERAS[era] },
    });
    client.setRequestHandler('sampling/createMessage', async request => {
        inputRequests.push({ method: 'sampling/createMessage', params: request.params });
        const last = request.params.messages.at(-1);
        const text = last && last.content && last.content.type === 'text' ? last.content.text : '';
        return { model: 'toolgate-test-model', role: 'assistant', content: { type: 'text', text: `sampled: ${text}` } };
    });
    client.setRequestHandler('elicitation/create', async request => {
        inputRequests.push({ method: 'elicitation/create', params: request.params });
        return { action: 'accept', content: elicited };
    });
    if (roots) {
        client.setRequestHandler('roots/list', async request => {
            inputRequests.push({ method: 'roots/list', params: request.params ?? {} });
            return { roots };
        });
    }
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    const output = {
        era: client.getProtocolEra() ?? null,
        protocolVersion: client.getNegotiatedProtocolVersion() ?? null,
        serverInfo: client.getServerVersion() ?? null,
    };
    try {
        const tools = await listAllTools(client);
        if (scenario === 'list') {
            output.capabilities = client.getServerCapabilities() ?? null;
            output.tools = tools;
        } else {
            output.results = [];
            for (const call of calls) {
                output.results.push(await client.callTool(call, { timeout: REQUEST_TIMEOUT_MS }));
            }
            output.inputRequests = inputRequests;
        }
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
    process.stderr.write(`ts-sdk-v2-client: ${scenario} against ${url} failed${code}: ${detail}\n`);
    process.exitCode = 1;
});
