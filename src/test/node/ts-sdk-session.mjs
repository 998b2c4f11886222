// The official MCP TypeScript SDK (v1) client keeping ONE session for many calls, driven from the
// Java integration tests of a fleet of gateways (instances die and restart under it).
//
//   node ts-sdk-session.mjs <url> <tool> '<arguments JSON>' <count> <pauseMs>
//
// Connects over Streamable HTTP, calls the tool <count> times with <pauseMs> between calls, and prints
// one JSON document: {"sessionId", "sessionIds": [the session id seen before each call], "results": [...]}.
// Any failed call fails the run (exit 1): the tests expect none.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, tool, argumentsJson, countText, pauseText] = process.argv.slice(2);
if (!url || !tool || !argumentsJson || !countText || !pauseText) {
    process.stderr.write('usage: ts-sdk-session.mjs <url> <tool> <arguments JSON> <count> <pauseMs>\n');
    process.exit(2);
}
const count = Number(countText);
const pause = Number(pauseText);
const watchdog = setTimeout(() => {
    process.stderr.write('ts-sdk-session: did not finish in time\n');
    process.exit(3);
}, 20_000 + count * (pause + 5_000));

async function main() {
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = new Client({ name: 'toolgate-fleet-interop', version: '1.0.0' });
    await client.connect(transport, { timeout: 15_000 });
    const output = { sessionId: transport.sessionId ?? null, sessionIds: [], results: [] };
    try {
        for (let i = 0; i < count; i++) {
            output.sessionIds.push(transport.sessionId ?? null);
            output.results.push(await client.callTool({ name: tool, arguments: JSON.parse(argumentsJson) },
                undefined, { timeout: 15_000 }));
            await new Promise(resolve => setTimeout(resolve, pause));
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
    process.stderr.write(`ts-sdk-session: failed: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
