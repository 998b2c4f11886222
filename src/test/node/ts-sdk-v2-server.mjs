// An MCP server built with the TypeScript SDK 2.x server package (@modelcontextprotocol/server), the
// modern upstream of the Java integration tests: 2026-07-28 on /mcp, and 2025 clients served statelessly
// beside it unless told to reject them.
//
//   PORT=<port> node ts-sdk-v2-server.mjs stateless|reject
//
// Prints "listening on port <port>" once it accepts connections. Its tools follow the fixture names of
// the official conformance suite where a small server can serve them (test_simple_text, test_image_content,
// test_audio_content, test_embedded_resource, test_multiple_content_types, test_error_handling,
// test_tool_with_progress), plus echo, confirm (asks the client's name with an
// input_required round) and drop_tables (for ACL tests); one prompt (test_simple_prompt) and one resource
// (test://static-text).
import http from 'node:http';
import { McpServer, createMcpHandler, inputRequired, acceptedContent } from '@modelcontextprotocol/server';
import * as z from 'zod';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==';
const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';
const port = Number(process.env.PORT);
const legacy = process.argv[2] === 'reject' ? 'reject' : 'stateless';
if (!port) {
    process.stderr.write('usage: PORT=<port> ts-sdk-v2-server.mjs stateless|reject\n');
    process.exit(2);
}

function text(value) {
    return { content: [{ type: 'text', text: value }] };
}

function server() {
    const mcp = new McpServer({ name: 'toolgate-modern-fixture', version: '1.0.0' });
    const none = z.object({});
    mcp.registerTool('test_simple_text', { description: 'Returns simple text content', inputSchema: none },
        async () => text('This is a simple text response for testing.'));
    mcp.registerTool('test_image_content', { description: 'Returns image content', inputSchema: none },
        async () => ({ content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }));
    mcp.registerTool('test_audio_content', { description: 'Returns audio content', inputSchema: none },
        async () => ({ content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }));
    mcp.registerTool('test_embedded_resource', { description: 'Returns an embedded resource', inputSchema: none },
        async () => ({ content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain',
            text: 'This is an embedded resource content.' } }] }));
    mcp.registerTool('test_multiple_content_types', { description: 'Returns text, image and a resource', inputSchema: none },
        async () => ({ content: [{ type: 'text', text: 'Multiple content types test:' },
            { type: 'image', data: PNG, mimeType: 'image/png' },
            { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json',
                text: '{"test":"data","value":123}' } }] }));
    mcp.registerTool('test_error_handling', { description: 'Always returns an error', inputSchema: none },
        async () => ({ isError: true, content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }] }));
    mcp.registerTool('test_tool_with_progress', { description: 'Reports progress', inputSchema: none },
        async (args, ctx) => {
            const token = ctx.mcpReq?._meta?.progressToken;
            for (const progress of [0, 50, 100]) {
                if (token !== undefined) {
                    await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress, total: 100 } });
                }
                await new Promise(resolve => setTimeout(resolve, 20));
            }
            return text('Progress test completed');
        });
    mcp.registerTool('echo', { description: 'Echoes the message', inputSchema: z.object({ message: z.string() }) },
        async ({ message }) => text(`Echo: ${message}`));
    mcp.registerTool('confirm', { description: 'Asks the client for a name, then greets it', inputSchema: none },
        async (args, ctx) => {
            const answer = acceptedContent(ctx.mcpReq.inputResponses, 'name');
            if (!answer) {
                return inputRequired({ inputRequests: { name: inputRequired.elicit({ message: 'Your name?',
                    requestedSchema: z.object({ name: z.string() }) }) } });
            }
            return text(`Hello, ${answer.name}!`);
        });
    mcp.registerTool('drop_tables', { description: 'Drops every table', inputSchema: none }, async () => text('dropped'));
    mcp.registerPrompt('test_simple_prompt', { description: 'A simple prompt without arguments' },
        async () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }] }));
    mcp.registerResource('static-text', 'test://static-text', { mimeType: 'text/plain', description: 'A static text resource' },
        async uri => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] }));
    return mcp;
}

const handler = createMcpHandler(server, { legacy });

// node:http in front of the handler's web-standard face
http.createServer(async (req, res) => {
    // an endpoint at one path, as real servers have: anything else is not found, as is a tenant it does not have
    if (req.url.split('?')[0] !== '/mcp' || req.url.includes('tenant=nobody')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found');
        return;
    }
    try {
        const chunks = [];
        for await (const chunk of req) {
            chunks.push(chunk);
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
            headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE';
        const request = new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers,
            body: hasBody ? Buffer.concat(chunks) : undefined });
        const response = await handler.fetch(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (!response.body) {
            res.end();
            return;
        }
        const reader = response.body.getReader();
        res.on('close', () => reader.cancel().catch(() => {}));
        for (;;) {
            const { value, done } = await reader.read();
            if (done) {
                break;
            }
            res.write(value);
        }
        res.end();
    } catch (e) {
        if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'application/json' });
        }
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: String(e) } }));
    }
}).listen(port, '127.0.0.1', () => process.stdout.write(`listening on port ${port}\n`));
