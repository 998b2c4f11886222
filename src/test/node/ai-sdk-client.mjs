// The Vercel AI SDK's MCP client (@ai-sdk/mcp), driven from the Java integration tests, as an
// application configures it: HTTP transport, protocol discovery on (its default: server/discover
// first, initialize when the server is legacy).
//
//   node ai-sdk-client.mjs <url> <tool> '<arguments JSON>'
//
// Lists the tools, turns them into AI SDK tools, runs <tool> through its execute function (as a model's
// tool call would), and prints one JSON document: {"era", "protocolVersion", "tools": [names],
// "result": {...}}. "era" is what the client negotiated ("modern" or "legacy"). On failure: a message on
// stderr and exit 1 (2 for bad usage, 3 when the run times out). TOOLGATE_CLIENT_HEADERS, when set, is a
// JSON object of extra HTTP headers.
import { createMCPClient } from '@ai-sdk/mcp';

const RUN_TIMEOUT_MS = 40_000;
const [url, tool, args] = process.argv.slice(2);
if (!url || !tool || !args) {
    process.stderr.write("usage: ai-sdk-client.mjs <url> <tool> '<arguments JSON>'\n");
    process.exit(2);
}
const headers = process.env.TOOLGATE_CLIENT_HEADERS ? JSON.parse(process.env.TOOLGATE_CLIENT_HEADERS) : {};
const watchdog = setTimeout(() => {
    process.stderr.write(`ai-sdk-client: did not finish within ${RUN_TIMEOUT_MS} ms\n`);
    process.exit(3);
}, RUN_TIMEOUT_MS);

async function main() {
    const client = await createMCPClient({ transport: { type: 'http', url, headers }, clientName: 'toolgate-ai-sdk-interop' });
    try {
        const tools = await client.tools();
        if (!tools[tool]) {
            throw new Error(`no tool ${tool} among ${Object.keys(tools).join(', ')}`);
        }
        const result = await tools[tool].execute(JSON.parse(args), { toolCallId: 'call-1', messages: [] });
        return { era: client.protocolEra ?? null, protocolVersion: client.protocolVersion ?? null,
            tools: Object.keys(tools), result };
    } finally {
        await client.close();
    }
}

main().then(output => {
    clearTimeout(watchdog);
    process.stdout.write(JSON.stringify(output) + '\n');
}, error => {
    clearTimeout(watchdog);
    process.stderr.write(`ai-sdk-client: against ${url} failed: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
});
