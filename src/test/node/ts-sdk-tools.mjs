// The official MCP TypeScript SDK clients, v1 (@modelcontextprotocol/sdk) and v2
// (@modelcontextprotocol/client), listing and calling tools as a strict client does; driven from the
// Java integration tests, one process for a whole plan of MCP endpoints.
//
//   node ts-sdk-tools.mjs <v1|v2> <plan file>
//
// The plan is a JSON array of {"label", "url", "calls": [{"name", "arguments"}]}. For each endpoint, in
// order, the script connects over Streamable HTTP, lists every tool (all pages: the SDK checks each
// page against its schemas, and v1 compiles every outputSchema while listing), compiles every
// outputSchema with the validator v2 uses by default (v2 compiles them lazily, on the first call of
// each tool), makes the calls (the SDK checks each result, structuredContent against the outputSchema
// included) and ends the session. It prints one JSON array on stdout, one entry per endpoint:
//   {"label", "sdk", "protocolVersion", "tools": [{"name", "outputSchema": bool}],
//    "uncompilable": [{"name", "error"}], "calls": [{"name", "result"} | {"name", "error"}], "ms"}
// or {"label", "sdk", "error"} when the SDK refused to connect or to list. It exits 2 for bad usage,
// 3 when the whole run times out.
import { readFileSync } from 'node:fs';

const REQUEST_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 280_000;

function usage(message) {
    process.stderr.write(`${message}\nusage: ts-sdk-tools.mjs <v1|v2> <plan file>\n`);
    process.exit(2);
}

const [generation, planFile, ...rest] = process.argv.slice(2);
if (!['v1', 'v2'].includes(generation) || !planFile || rest.length > 0) {
    usage('bad arguments');
}
let plan;
try {
    plan = JSON.parse(readFileSync(planFile, 'utf8'));
} catch (e) {
    usage(`cannot read the plan: ${e.message}`);
}

const watchdog = setTimeout(() => {
    process.stderr.write(`ts-sdk-tools: ${generation} did not finish within ${RUN_TIMEOUT_MS} ms\n`);
    process.exit(3);
}, RUN_TIMEOUT_MS);

/** The SDK of one generation: its client, transport, default output validator and version. */
async function sdk() {
    if (generation === 'v1') {
        const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
        const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
        const { AjvJsonSchemaValidator } = await import('@modelcontextprotocol/sdk/validation/ajv');
        return { Client, StreamableHTTPClientTransport, validator: new AjvJsonSchemaValidator(),
            version: packageVersion('@modelcontextprotocol/sdk') };
    }
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const { AjvJsonSchemaValidator } = await import('@modelcontextprotocol/client/validators/ajv');
    return { Client, StreamableHTTPClientTransport, validator: new AjvJsonSchemaValidator(),
        version: packageVersion('@modelcontextprotocol/client') };
}

function packageVersion(name) {
    const file = new URL(`../../../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(file, 'utf8')).version;
}

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

async function survey(kit, endpoint) {
    const { Client, StreamableHTTPClientTransport, validator, version } = kit;
    const output = { label: endpoint.label, sdk: `${generation} ${version}` };
    const started = Date.now();
    const transport = new StreamableHTTPClientTransport(new URL(endpoint.url));
    const client = new Client({ name: `toolgate-ts-sdk-${generation}`, version: '1.0.0' });
    try {
        await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
        output.protocolVersion = transport.protocolVersion ?? null;
        const tools = await listAllTools(client);
        output.tools = tools.map(t => ({ name: t.name, outputSchema: t.outputSchema !== undefined }));
        output.uncompilable = [];
        // v1 compiled them all while listing (a failure would have failed the listing)
        for (const tool of generation === 'v2' ? tools.filter(t => t.outputSchema) : []) {
            try {
                validator.getValidator(tool.outputSchema);
            } catch (e) {
                output.uncompilable.push({ name: tool.name, error: String(e && e.message || e) });
            }
        }
        output.calls = [];
        for (const call of endpoint.calls) {
            try {
                const params = { name: call.name, arguments: call.arguments };
                const result = generation === 'v1'
                    ? await client.callTool(params, undefined, { timeout: REQUEST_TIMEOUT_MS })
                    : await client.callTool(params, { timeout: REQUEST_TIMEOUT_MS });
                output.calls.push({ name: call.name, result });
            } catch (e) {
                output.calls.push({ name: call.name, error: String(e && e.message || e) });
            }
        }
        await transport.terminateSession();
    } catch (error) {
        output.error = error && error.stack ? error.stack : String(error);
    } finally {
        await client.close();
    }
    output.ms = Date.now() - started;
    return output;
}

async function main() {
    const kit = await sdk();
    const outputs = [];
    for (const endpoint of plan) {
        outputs.push(await survey(kit, endpoint));
    }
    return outputs;
}

main().then(outputs => {
    clearTimeout(watchdog);
    process.stdout.write(JSON.stringify(outputs) + '\n');
}, error => {
    clearTimeout(watchdog);
    const detail = error && error.stack ? error.stack : String(error);
    process.stderr.write(`ts-sdk-tools: ${generation} failed: ${detail}\n`);
    process.exitCode = 1;
});
