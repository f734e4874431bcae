// HTTP and MCP: the corpus requests against tshark (method, host, URI, user agent), then HTTP
// behaviour built byte by byte (pipelining, chunked and close-delimited bodies, HEAD, split
// headers, hosts that are IP addresses or missing), then MCP over HTTP in each transport revision.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { corpusFiles, pcapDir, truth } from './helpers/corpus.js';
import { shardRecords } from './helpers/run.js';
import { writeFrames } from './helpers/tmpfile.js';
import { conversation, Endpoints } from './helpers/packets.js';
import type { HttpRecord } from '../src/pool/records/http.js';
import type { McpRecord } from '../src/pool/records/mcp.js';

const C: Endpoints = { src: '10.0.0.7', dst: '203.0.113.20', sport: 43000, dport: 80 };
const client = (text: string) => ({ fromClient: true, data: Buffer.from(text) });
const server = (text: string) => ({ fromClient: false, data: Buffer.from(text) });

function logs(msgs: { fromClient: boolean; data: Uint8Array }[], mss?: number) {
  return shardRecords(writeFrames(conversation(C, msgs, 1e12, mss))).logs;
}
const http = (ls: ReturnType<typeof logs>) => ls.filter((r): r is HttpRecord => r._path === 'http');
const mcp = (ls: ReturnType<typeof logs>) => ls.filter((r): r is McpRecord => r._path === 'mcp');

describe('HTTP requests against tshark', () => {
  for (const file of corpusFiles()) {
    const rows = truth(file).filter((r) => r['http.request.method']);
    if (rows.length === 0) continue;
    it(file, () => {
      const recs = http(shardRecords(path.join(pcapDir, file)).logs);
      expect(recs.map((r) => [r.method, r.host, r.uri, r.user_agent])).toEqual(
        rows.map((r) => [r['http.request.method'], r['http.host'], r['http.request.uri'], r['http.user_agent'] || undefined]));
    });
  }
});

describe('HTTP/1.x parsing', () => {
  it('pipelined requests are matched to their responses in order', () => {
    const recs = http(logs([
      client('GET /a HTTP/1.1\r\nHost: example.com\r\n\r\nGET /b HTTP/1.1\r\nHost: example.com\r\n\r\n'),
      server('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    ]));
    expect(recs.map((r) => [r.trans_depth, r.uri, r.status_code, r.response_body_len])).toEqual([[1, '/a', 200, 3], [2, '/b', 404, 0]]);
  });

  it('chunked bodies, a HEAD response without body, a body delimited by the close', () => {
    const recs = http(logs([
      client('POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n'),
      server('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'),
      client('HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n'),
      server('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'),
      client('GET /last HTTP/1.0\r\nHost: h\r\n\r\n'),
      server('HTTP/1.0 200 OK\r\n\r\n' + 'z'.repeat(3000)),
    ]));
    expect(recs.map((r) => [r.method, r.request_body_len, r.status_code, r.response_body_len])).toEqual([
      ['POST', 11, 201, 2], ['HEAD', 0, 200, 0], ['GET', 0, 200, 3000],
    ]);
  });

  it('a header block split across many small segments is still read', () => {
    const [r] = http(logs([client('GET /slow HTTP/1.1\r\nHost: slow.example\r\nUser-Agent: curl/8.0\r\n\r\n'), server('HTTP/1.1 204 No Content\r\n\r\n')], 7));
    expect(r).toMatchObject({ uri: '/slow', host: 'slow.example', user_agent: 'curl/8.0', status_code: 204 });
  });

  it('a Host that is an IP address, or none at all, is marked', () => {
    const recs = http(logs([
      client('GET / HTTP/1.1\r\nHost: 203.0.113.20:8080\r\n\r\n'), server('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
      client('GET / HTTP/1.1\r\n\r\n'), server('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
      client('GET / HTTP/1.1\r\nHost: [2001:db8::1]\r\n\r\n'), server('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
      client('GET / HTTP/1.1\r\nHost: 1.2.3.example\r\n\r\n'), server('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    ]));
    expect(recs.map((r) => r.host_kind)).toEqual(['ip', 'missing', 'ip', 'name']);
  });

  it('bytes that are not HTTP stop the parser instead of inventing requests', () => {
    const ls = logs([client('GET / HTTP/1.1\r\nHost: h\r\n\r\n'), server('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), client('\x16\x03\x01garbage\r\n\r\n')]);
    expect(http(ls)).toHaveLength(1);
  });

  it('when the events region fills, events are dropped (counted) but parsing goes on in step', () => {
    // A megabyte of small pipelined requests whose first segment comes last: the stream window
    // then drains at once into several times the region's size in events, so they overflow it
    // wherever the region stood, and GETs and POSTs (with a body) alike lose theirs.
    const pairs = 20000;
    const pipelined = 'GET / HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx'.repeat(pairs);
    const frames = conversation(C, [client(pipelined), client('GET /last HTTP/1.1\r\nHost: h\r\n\r\n')], 1e12, 64000);
    const segments = Math.ceil(pipelined.length / 64000);
    const first = frames.slice(3, 5); // the first data segment and its ACK
    const reordered = [...frames.slice(0, 3), ...frames.slice(5, 3 + 2 * segments), ...first, ...frames.slice(3 + 2 * segments)]
      .map((f, i) => ({ ...f, us: 1e12 + i * 100 }));
    const { logs: ls, counters } = shardRecords(writeFrames(reordered), { streamWindow: 2 << 20, streamBuffers: 2 });
    expect(counters['app.events_dropped']).toBeGreaterThan(0);
    expect(counters['http.requests']).toBe(2 * pairs + 1);
    expect(counters['http.malformed'] ?? 0).toBe(0);
    expect(http(ls).filter((r) => r.uri === '/last').map((r) => [r.trans_depth, r.host])).toEqual([[2 * pairs + 1, 'h']]);
  });

  it('random bytes after a request line never crash the core', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 1400 }), (junk, mss) => {
      logs([{ fromClient: true, data: Buffer.concat([Buffer.from('POST /x HTTP/1.1\r\n'), junk]) }, { fromClient: false, data: junk }], mss);
    }), { numRuns: 60 });
  });
});

describe('MCP over HTTP', () => {
  const json = (body: object, headers = '') =>
    `POST /mcp HTTP/1.1\r\nHost: mcp.example.com\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${headers}Content-Length: ${JSON.stringify(body).length}\r\n\r\n${JSON.stringify(body)}`;
  const reply = (body: object, headers = '') =>
    `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${headers}Content-Length: ${JSON.stringify(body).length}\r\n\r\n${JSON.stringify(body)}`;

  it('Streamable HTTP with a session (2025-06-18): initialize, the initialized notification, a tool call answered as an event stream', () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claude-code', version: '2.1.0' } } };
    const initOk = { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'github-mcp', version: '0.9.1' } } };
    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_code', arguments: { q: 'token' } } };
    const event = `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'found' }] } })}\n\n`;
    const session = 'Mcp-Session-Id: 1868a90c\r\nMCP-Protocol-Version: 2025-06-18\r\n';
    const recs = mcp(logs([
      client(json(init)), server(reply(initOk, 'Mcp-Session-Id: 1868a90c\r\n')),
      client(json({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)), server('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n'),
      client(json(call, session)),
      server(`HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n${event.length.toString(16)}\r\n${event}\r\n0\r\n\r\n`),
    ]));
    expect(recs.map((r) => [r.rpc_method, r.response_type, r.status_code])).toEqual([
      ['initialize', 'json', 200], ['notifications/initialized', 'none', 202], ['tools/call', 'sse', 200],
    ]);
    expect(recs[0]).toMatchObject({ transport: 'streamable-http', protocol_version: '2025-06-18', client_name: 'claude-code', server_name: 'github-mcp', server_version: '0.9.1', session_id: '1868a90c' });
    expect(recs[2]).toMatchObject({ name: 'search_code', rpc_id: 2, session_id: '1868a90c', protocol_version: '2025-06-18' });
  });

  it('stateless Streamable HTTP (2026-07-28): routing headers and client info in _meta', () => {
    const call = { jsonrpc: '2.0', id: 'a1', method: 'tools/call', params: { name: 'get_weather', arguments: {}, _meta: { protocolVersion: '2026-07-28', clientInfo: { name: 'agent-x', version: '1' } } } };
    const [r] = mcp(logs([
      client(json(call, 'Mcp-Method: tools/call\r\nMcp-Name: get_weather\r\nMCP-Protocol-Version: 2026-07-28\r\n')),
      server(reply({ jsonrpc: '2.0', id: 'a1', error: { code: -32602, message: 'bad' } })),
    ]));
    expect(r).toMatchObject({ rpc_method: 'tools/call', name: 'get_weather', protocol_version: '2026-07-28', client_name: 'agent-x', rpc_error: -32602 });
    expect(r.session_id).toBeUndefined();
  });

  it('the legacy HTTP+SSE transport (2024-11-05): the endpoint event on a GET stream', () => {
    const [r] = mcp(logs([
      client('GET /sse HTTP/1.1\r\nHost: old.example\r\nAccept: text/event-stream\r\n\r\n'),
      server('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nevent: endpoint\ndata: /messages?sessionId=42\n\n'),
    ]));
    expect(r).toMatchObject({ transport: 'http+sse', http_method: 'GET', uri: '/sse' });
  });

  it('only the record kinds asked for are made', () => {
    const file = writeFrames(conversation(C, [
      client(json({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, 'Mcp-Session-Id: s1\r\n')), server(reply({ jsonrpc: '2.0', id: 1, result: { tools: [] } })),
    ], 1e12));
    const paths = (kinds: string[]) => shardRecords(file, {}, 1, new Set(kinds)).logs.map((r) => r._path).sort();
    expect([paths(['http', 'mcp']), paths(['http']), paths(['mcp']), paths(['dns'])]).toEqual([
      ['conn', 'http', 'mcp'], ['conn', 'http'], ['conn', 'mcp'], ['conn'],
    ]);
  });

  it('JSON that is not JSON-RPC, or JSON-RPC that is not MCP, is not MCP', () => {
    const ls = logs([
      client(json({ query: 'hello' })), server(reply({ ok: true })),
      client(json({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })), server(reply({ jsonrpc: '2.0', id: 1, result: '0x1' })),
    ]);
    expect(http(ls)).toHaveLength(2);
    expect(mcp(ls)).toHaveLength(0);
  });
});
