// The official MCP TypeScript SDK (v1) client against the MCP reference server
// (@modelcontextprotocol/server-everything), directly or through a gateway, driven from the Java
// integration tests.
//
//   node ts-sdk-everything.mjs <url> survey
//   node ts-sdk-everything.mjs <url> progress <steps> <duration seconds>
//   node ts-sdk-everything.mjs <url> sampling <prompt>
//   node ts-sdk-everything.mjs <url> elicitation
//
// Connects over Streamable HTTP (declaring the sampling and elicitation capabilities, so the server
// registers its trigger-* tools), runs the scenario and prints one JSON document on stdout:
//   survey      -> {"protocolVersion", "serverInfo", "sessionId", "tools", "resources", "resource",
//                   "prompts", "simplePrompt", "argsPrompt", "completion", "echo", "structured"}
//                  (resource: resources/read of the first listed resource)
//   progress    -> {"notifications": [{"progress", "total", "atMs"}], "completedAtMs", "result"}
//                  (times in ms since the call was sent)
//   sampling    -> {"samplingRequests": [params...], "result"}
//   elicitation -> {"elicitationRequests": [params...], "result"}
// The sampling handler answers with the text "sampled by the TypeScript client" (model
// "ts-test-model"); the elicitation handler accepts with {"name": "Ada Lovelace", "check": true,
// "integer": 7}. Every scenario ends with a session DELETE (terminateSession). On any failure it
// prints a message on stderr and exits 1 (2 for bad usage, 3 when the whole run times out).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const REQUEST_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 50_000;
const SAMPLED_TEXT = 'sampled by the TypeScript client';
const ELICITED = { name: 'Ada Lovelace', check: true, integer: 7 };

function usage(message) {
    process.stderr.write(`${message}\nusage: ts-sdk-everything.mjs <url> survey | progress <steps> <seconds> `
        + `| sampling <prompt> | elicitation\n`);
    process.exit(2);
}

const [url, scenario, ...rest] = process.argv.slice(2);
const arity = { survey: 0, progress: 2, sampling: 1, elicitation: 0 };
if (!url || !(scenario in arity)) {
    usage(`unknown scenario: ${scenario}`);
}
if (rest.length !== arity[scenario]) {
    usage(`${scenario} takes ${arity[scenario]} arguments`);
}

const watchdog = setTimeout(() => {
    process.stderr.write(`ts-sdk-everything: ${scenario} did not finish within ${RUN_TIMEOUT_MS} ms\n`);
    process.exit(3);
}, RUN_TIMEOUT_MS);

const options = { timeout: REQUEST_TIMEOUT_MS };

async function all(list, key) {
    const items = [];
    let cursor;
    do {
        const page = await list(cursor ? { cursor } : undefined);
        items.push(...page[key]);
        cursor = page.nextCursor;
    } while (cursor);
    return items;
}

async function survey(client) {
    const tools = await all(p => client.listTools(p, options), 'tools');
    const resources = await all(p => client.listResources(p, options), 'resources');
    const prompts = await all(p => client.listPrompts(p, options), 'prompts');
    return {
        tools,
        resources,
        resource: await client.readResource({ uri: resources[0].uri }, options),
        prompts,
        simplePrompt: await client.getPrompt({ name: 'simple-prompt' }, options),
        argsPrompt: await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Lisbon', state: 'Lisboa' } }, options),
        completion: await client.complete({
            ref: { type: 'ref/prompt', name: 'completable-prompt' },
            argument: { name: 'department', value: 'S' },
        }, options),
        echo: await client.callTool({ name: 'echo', arguments: { message: 'hello through the gateway' } }, undefined, options),
        structured: await client.callTool({ name: 'get-structured-content', arguments: { location: 'Chicago' } },
            undefined, options),
    };
}

async function progress(client, steps, seconds) {
    const notifications = [];
    const started = performance.now();
    const result = await client.callTool(
        { name: 'trigger-long-running-operation', arguments: { steps, duration: seconds } }, undefined,
        {
            ...options,
            onprogress: p => notifications.push({ progress: p.progress, total: p.total ?? null,
                atMs: Math.round(performance.now() - started) }),
        });
    return { notifications, completedAtMs: Math.round(performance.now() - started), result };
}

async function main() {
    const samplingRequests = [];
    const elicitationRequests = [];
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = new Client({ name: 'toolgate-ts-sdk-everything', version: '1.0.0' },
        { capabilities: { sampling: {}, elicitation: { form: {} } } });
    client.setRequestHandler(CreateMessageRequestSchema, async request => {
        samplingRequests.push(request.params);
        return { role: 'assistant', content: { type: 'text', text: SAMPLED_TEXT }, model: 'ts-test-model',
            stopReason: 'endTurn' };
    });
    client.setRequestHandler(ElicitRequestSchema, async request => {
        elicitationRequests.push(request.params);
        return { action: 'accept', content: ELICITED };
    });
    await client.connect(transport, options);
    const output = {
        protocolVersion: transport.protocolVersion ?? null,
        serverInfo: client.getServerVersion() ?? null,
        sessionId: transport.sessionId ?? null,
    };
    try {
        if (scenario === 'survey') {
            Object.assign(output, await survey(client));
        } else if (scenario === 'progress') {
            Object.assign(output, await progress(client, Number(rest[0]), Number(rest[1])));
        } else if (scenario === 'sampling') {
            output.result = await client.callTool({ name: 'trigger-sampling-request',
                arguments: { prompt: rest[0], maxTokens: 50 } }, undefined, options);
            output.samplingRequests = samplingRequests;
        } else {
            output.result = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined,
                options);
            output.elicitationRequests = elicitationRequests;
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
    process.stderr.write(`ts-sdk-everything: ${scenario} against ${url} failed: ${detail}\n`);
    process.exitCode = 1;
});
