// A stand-in for the ApprovalMax public API on loopback, for `amtoken api` and `amtoken exec`.
// Every request must carry a bearer token that really verifies against the provider's JWKS and
// issuer (jose); answers use ApprovalMax's shapes: `{payload: [...], continuationToken}` pages
// and ASP.NET ProblemDetails errors.
//
// Usage: node api.mjs ISSUER READY-FILE   (listens on 127.0.0.1, an ephemeral port; writes
// {"api": …} to READY-FILE once it accepts connections).
//
// Routes (under /api/v1 unless said):
//   GET /ping                      {"pong": true}
//   GET companies                  one page of two companies
//   ANY echo                       the request as received: method, path, query, headers, body
//   GET pages                      three pages (2, 2, 1 items) joined by continuationToken
//   GET many?total=N&limit=L       N items in pages of L (at most 100)
//   GET cycle                      pages whose tokens go A, B, A, … for ever
//   GET growing                    pages whose token grows by one letter for ever
//   GET problem                    400 ProblemDetails, error.code CompanyDisabled
//   ANY busy/ID?times=N&after=S    429 with Retry-After S (seconds; an HTTP date with &date) N
//                                  times per ID, then 200
//   GET unavailable/ID             503 with Retry-After 1 once per ID, then 200
//   GET refuse-token/ID            401 for the first token it sees per ID, 200 for any other
//   GET always-401                 401
//   GET big                        a 17 MiB body
//   GET slow?ms=N                  answers after N ms
//   GET /test/stats                what the stand-in saw, per route (no token needed)
import { createServer } from 'node:http';
import { writeFileSync, renameSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuer, readyFile] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/openid-configuration/jwks`));
const seen = {};
const busy = {};
const refused = {};
const count = (route) => { seen[route] = (seen[route] ?? 0) + 1; };

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};
const problem = (res, status, title, detail, code) => json(res, status, {
  type: 'https://tools.ietf.org/html/rfc9110', title, status, detail,
  error: { code, parameters: [] }, traceId: '00-test-00',
}, { 'content-type': 'application/problem+json; charset=utf-8' });

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://stand-in');
  if (url.pathname === '/test/stats') return json(res, 200, seen);
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString();
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  try {
    await jwtVerify(token, jwks, { issuer });
  } catch (error) {
    count('unauthorized');
    return problem(res, 401, 'Unauthorized', `invalid bearer token: ${error.code ?? error.message}`, 'Unauthorized');
  }
  const path = url.pathname.replace(/^\/api\/v1\//, '');
  const [route, id] = path.split('/');
  count(route === '' ? url.pathname : route);
  switch (url.pathname === '/ping' ? 'ping' : route) {
    case 'ping':
      return json(res, 200, { pong: true });
    case 'companies':
      return json(res, 200, { payload: [{ companyId: 'c1', name: 'One' }, { companyId: 'c2', name: 'Two' }] });
    case 'echo':
      return json(res, 200, {
        method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams),
        accept: req.headers.accept, userAgent: req.headers['user-agent'],
        contentType: req.headers['content-type'] ?? null, test: req.headers['x-test'] ?? null,
        body: body === '' ? null : body,
      });
    case 'pages': {
      const pages = { '': [['a', 'b'], 'p2'], p2: [['c', 'd'], 'p3'], p3: [['e'], null] };
      const [items, next] = pages[url.searchParams.get('continuationToken') ?? ''];
      return json(res, 200, { payload: items.map((name) => ({ name })), continuationToken: next });
    }
    case 'cycle': {
      const token = url.searchParams.get('continuationToken');
      return json(res, 200, { payload: [{ token }], continuationToken: token === 'A' ? 'B' : 'A' });
    }
    case 'growing': {
      const token = url.searchParams.get('continuationToken') ?? '';
      return json(res, 200, { payload: [{ length: token.length }], continuationToken: `${token}x` });
    }
    case 'many': {
      const total = Number(url.searchParams.get('total') ?? 1000);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), 100);
      const start = Number(url.searchParams.get('continuationToken') ?? 0);
      const end = Math.min(start + limit, total);
      const payload = [];
      for (let n = start; n < end; n += 1) payload.push({ requestId: `r-${n}`, amount: n, name: `request ${n}`.padEnd(200, '.') });
      return json(res, 200, { payload, continuationToken: end < total ? String(end) : null });
    }
    case 'problem':
      return problem(res, 400, 'Bad Request', 'The c1 is disabled.', 'CompanyDisabled');
    case 'busy': {
      busy[id] = (busy[id] ?? 0) + 1;
      if (busy[id] <= Number(url.searchParams.get('times') ?? 1)) {
        const after = url.searchParams.get('after') ?? '1';
        // ?date: Retry-After as an HTTP date rather than seconds (sent as given otherwise).
        res.setHeader('retry-after', url.searchParams.has('date')
          ? new Date(Date.now() + Number(after) * 1000).toUTCString() : after);
        return problem(res, 429, 'Too Many Requests', 'slow down', 'RateLimited');
      }
      return json(res, 200, { ok: true, attempts: busy[id], method: req.method });
    }
    case 'unavailable':
      busy[`u-${id}`] = (busy[`u-${id}`] ?? 0) + 1;
      if (busy[`u-${id}`] === 1) {
        res.setHeader('retry-after', '1');
        return problem(res, 503, 'Service Unavailable', 'maintenance', 'Unavailable');
      }
      return json(res, 200, { ok: true, attempts: busy[`u-${id}`] });
    case 'refuse-token':
      if (!refused[id]) refused[id] = token;
      if (refused[id] === token) return problem(res, 401, 'Unauthorized', 'token revoked', 'Unauthorized');
      return json(res, 200, { ok: true });
    case 'always-401':
      return problem(res, 401, 'Unauthorized', 'never', 'Unauthorized');
    case 'big':
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(`"${'x'.repeat(17 * 1024 * 1024)}"`);
    case 'slow':
      return setTimeout(() => json(res, 200, { slow: true }), Number(url.searchParams.get('ms') ?? 5000));
    default:
      return problem(res, 404, 'Not Found', `no route ${url.pathname}`, 'NotFound');
  }
});

server.listen(0, '127.0.0.1', () => {
  const api = `http://127.0.0.1:${server.address().port}`;
  writeFileSync(`${readyFile}.tmp`, JSON.stringify({ api }));
  renameSync(`${readyFile}.tmp`, readyFile);
  console.error(`API stand-in listening at ${api}`);
});
