// MCP (Model Context Protocol) over HTTP, recognised from HTTP transactions: JSON-RPC 2.0
// messages in the request body and in the response (a JSON object, or a text/event-stream of
// them), and the transport's headers. Covers the legacy HTTP+SSE transport (2024-11-05: an
// "endpoint" event on a GET stream), Streamable HTTP with sessions (2025-03-26, 2025-06-18,
// 2025-11-25: Mcp-Session-Id, MCP-Protocol-Version after initialize) and the stateless 2026-07-28
// revision (Mcp-Method and Mcp-Name headers on every request, client info in params._meta).
// Bodies are the first bytes the core passed on (4 KiB): a cut-off JSON body is read with
// patterns rather than dropped.

import type { HttpTransaction } from './http.js';
import { pickIds, RecordIds } from '../record-ids.js';

export interface McpRecord extends RecordIds {
  _path: 'mcp';
  trans_depth: number;
  transport: 'http+sse' | 'streamable-http';
  protocol_version?: string;
  session_id?: string;
  rpc_method?: string;
  rpc_id?: string | number;
  /** tools/call's tool, resources/read's uri, prompts/get's name (or the Mcp-Name header). */
  name?: string;
  client_name?: string;
  client_version?: string;
  server_name?: string;
  server_version?: string;
  http_method?: string;
  host?: string;
  uri?: string;
  user_agent?: string;
  status_code?: number;
  response_type?: 'json' | 'sse' | 'none';
  rpc_error?: number;
}

type Json = Record<string, unknown>;

const MCP_METHOD = /^(initialize|ping|(notifications|tools|resources|prompts|sampling|completion|logging|roots|elicitation|tasks)\/.+)$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** JSON-RPC messages in a body: JSON (object or batch), or the data lines of an event stream. */
function messages(body: string, sse: boolean): Json[] {
  if (!body.includes('"jsonrpc"')) return [];
  const parse = (text: string): Json[] => {
    try {
      const v: unknown = JSON.parse(text);
      return (Array.isArray(v) ? v : [v]).map(obj).filter((m): m is Json => m !== undefined && m.jsonrpc === '2.0');
    } catch {
      return [];
    }
  };
  if (!sse) return parse(body);
  return body.split(/\r?\n/).filter((l) => l.startsWith('data:')).flatMap((l) => parse(l.slice(5).trim()));
}

/** A message cut off by the capture limit: what patterns can still tell. */
function partial(body: string): Json | undefined {
  if (!/"jsonrpc"\s*:\s*"2\.0"/.test(body)) return undefined;
  const pick = (re: RegExp) => re.exec(body)?.[1];
  const m: Json = { jsonrpc: '2.0' };
  const method = pick(/"method"\s*:\s*"([^"]+)"/);
  if (method) m.method = method;
  const version = pick(/"protocolVersion"\s*:\s*"([^"]+)"/);
  const client = pick(/"clientInfo"\s*:\s*\{[^}]*"name"\s*:\s*"([^"]+)"/);
  m.params = { protocolVersion: version, clientInfo: client ? { name: client } : undefined };
  return m;
}

export function mcpRecord(tx: HttpTransaction): McpRecord | undefined {
  const r = tx.record;
  const headers = r.mcp_session_id !== undefined || r.mcp_protocol_version !== undefined || r.mcp_method !== undefined;
  const json = (r.request_content_type ?? '').startsWith('application/json');
  const respType = r.response_content_type ?? '';
  const sse = respType.startsWith('text/event-stream');
  // without MCP headers, a JSON request or an event stream, it is not MCP: the bodies stay unread
  if (!headers && !json && !sse) return undefined;
  const reqText = json ? Buffer.concat(tx.requestBody).toString('utf8') : '';
  const respText = Buffer.concat(tx.responseBody).toString('utf8');
  const request = json ? messages(reqText, false)[0] ?? partial(reqText) : undefined;
  const responses = messages(respText, sse);
  const legacyEndpoint = sse && /^event:\s*endpoint/m.test(respText);
  const method = str(request?.method) ?? r.mcp_method;
  if (!headers && !legacyEndpoint && !(method && MCP_METHOD.test(method))) return undefined;

  const params = obj(request?.params);
  const meta = obj(params?._meta);
  const clientInfo = obj(params?.clientInfo) ?? obj(meta?.clientInfo);
  const result = responses.map((m) => obj(m.result)).find((x) => x !== undefined);
  const error = responses.map((m) => obj(m.error)).find((x) => x !== undefined);
  const serverInfo = obj(result?.serverInfo);
  return {
    _path: 'mcp',
    ...pickIds(r),
    trans_depth: r.trans_depth,
    transport: legacyEndpoint ? 'http+sse' : 'streamable-http',
    protocol_version: r.mcp_protocol_version ?? str(params?.protocolVersion) ?? str(meta?.protocolVersion) ?? str(result?.protocolVersion),
    session_id: r.mcp_session_id,
    rpc_method: method,
    rpc_id: typeof request?.id === 'string' || typeof request?.id === 'number' ? request.id : undefined,
    name: r.mcp_name ?? str(params?.name) ?? str(params?.uri),
    client_name: str(clientInfo?.name),
    client_version: str(clientInfo?.version),
    server_name: str(serverInfo?.name),
    server_version: str(serverInfo?.version),
    http_method: r.method,
    host: r.host,
    uri: r.uri,
    user_agent: r.user_agent,
    status_code: r.status_code,
    response_type: sse ? 'sse' : respType.startsWith('application/json') ? 'json' : 'none',
    rpc_error: typeof error?.code === 'number' ? error.code : undefined,
  };
}
