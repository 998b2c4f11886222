// A plain Node.js HTTP server whose idle keep-alive connections close after keepAliveTimeout
// (the first argument, in milliseconds; Node's default is 5000), as production Node servers do.
// Every request is answered 200 with a small JSON-RPC result and counted by "METHOD path";
// GET /__served (asked directly, not through the gateway) returns the counts.
import http from 'node:http';

const served = {};
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url.split('?')[0];
    res.setHeader('content-type', 'application/json');
    if (path === '/__served') {
      res.end(JSON.stringify(served));
      return;
    }
    const key = `${req.method} ${path}`;
    served[key] = (served[key] || 0) + 1;
    res.end('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}');
  });
});
server.keepAliveTimeout = Number(process.argv[2] || 5000);
// Node 22.19 and 24.6 wait a second past keepAliveTimeout before closing (keepAliveTimeoutBuffer), so that
// clients that honour its Keep-Alive header close first; earlier Node versions, and most other servers, close
// at the timeout itself, which is what this server plays
server.keepAliveTimeoutBuffer = 0;
server.listen(0, '127.0.0.1', () => console.log(`listening on port ${server.address().port}`));
