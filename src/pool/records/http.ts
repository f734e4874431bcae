// HTTP transactions as Zeek http.log records: a request and its response (matched in order, as
// HTTP/1.1 pipelining requires) become one record once the response's body has ended, or when
// the connection ends. Field names are Zeek's; host_kind (name, ip, missing), the content types
// and the first bytes of JSON or event-stream bodies (for MCP) are this sensor's additions.

import type { AppEvent, EventType } from '../app-events.js';
import type { WasmCore } from '../wasm-core.js';
import type { Tracker, RecordSink } from '../app-records.js';
import { ids } from './common.js';
import type { RecordIds } from '../record-ids.js';
import { mcpRecord } from './mcp.js';

export interface HttpRecord extends RecordIds {
  _path: 'http';
  trans_depth: number;
  method?: string;
  host?: string;
  host_kind: 'name' | 'ip' | 'missing';
  uri?: string;
  referrer?: string;
  version?: string;
  user_agent?: string;
  request_body_len: number;
  response_body_len: number;
  status_code?: number;
  status_msg?: string;
  info_code?: number;
  info_msg?: string;
  request_content_type?: string;
  response_content_type?: string;
  mcp_session_id?: string;
  mcp_protocol_version?: string;
  mcp_method?: string;
  mcp_name?: string;
}

/** A transaction in progress, with the bodies kept for the MCP analysis. */
export interface HttpTransaction {
  record: HttpRecord;
  responded: boolean;
  requestBody: Buffer[];
  responseBody: Buffer[];
}

/** Outstanding transactions kept per connection (pipelining deeper than this is unusual). */
const MAX_OUTSTANDING = 64;

export class HttpTracker implements Tracker {
  /** Body data only when mcp records are made: it is kept for them alone. */
  readonly types: readonly EventType[];
  /** Transactions in progress, by connection, oldest first. */
  private readonly open = new Map<string, HttpTransaction[]>();
  /** host_kind by the core's value of the host_kind field (assembly/http.ts HOST_*). */
  private readonly hostKinds: Record<number, HttpRecord['host_kind']>;
  /** The value that says there is no Host, as for a request without the field. */
  private readonly hostMissing: number;

  /** Which records a finished transaction gives: its http record, its mcp record if it carried MCP. */
  constructor(core: WasmCore, private readonly http = true, private readonly mcp = true) {
    this.types = mcp ? ['HTTP_REQUEST', 'HTTP_RESPONSE', 'HTTP_BODY_DATA', 'HTTP_BODY_END'] : ['HTTP_REQUEST', 'HTTP_RESPONSE', 'HTTP_BODY_END'];
    this.hostMissing = core.constant('HOST_MISSING');
    this.hostKinds = {
      [core.constant('HOST_NAME')]: 'name', [core.constant('HOST_IPV4')]: 'ip', [core.constant('HOST_IPV6')]: 'ip',
      [this.hostMissing]: 'missing',
    };
  }

  event(e: AppEvent, out: RecordSink): void {
    const queue = this.open.get(e.uid);
    if (e.type === 'HTTP_REQUEST') {
      const record = request(e, this.hostKinds[e.num('host_kind') ?? this.hostMissing]);
      const tx: HttpTransaction = { record, responded: false, requestBody: [], responseBody: [] };
      if (!queue) this.open.set(e.uid, [tx]);
      else {
        if (queue.length >= MAX_OUTSTANDING) this.write(queue.shift()!, out);
        queue.push(tx);
      }
      return;
    }
    if (!queue) return;
    switch (e.type) {
      case 'HTTP_RESPONSE': {
        const status = e.num('status') ?? 0;
        const tx = queue.find((t) => !t.responded);
        if (!tx) break;
        if (status >= 100 && status < 200 && status !== 101) {
          tx.record.info_code = status;
          tx.record.info_msg = e.text('reason');
          break;
        }
        tx.responded = true;
        tx.record.status_code = status;
        tx.record.status_msg = e.text('reason');
        tx.record.response_content_type = e.text('content_type');
        tx.record.mcp_session_id ??= e.text('mcp_session_id');
        break;
      }
      case 'HTTP_BODY_DATA': {
        const depth = e.num('trans_depth') ?? 0;
        const tx = e.fromOrig ? queue.find((t) => t.record.trans_depth === depth) : queue.find((t) => t.responded);
        const body = e.bytes('body');
        // a copy: the event's bytes are gone once the batch is done, the transaction may not be
        if (tx && body) (e.fromOrig ? tx.requestBody : tx.responseBody).push(Buffer.from(body));
        break;
      }
      case 'HTTP_BODY_END': {
        const len = e.num('body_len') ?? 0;
        if (e.fromOrig) {
          const depth = e.num('trans_depth') ?? 0;
          const tx = queue.find((t) => t.record.trans_depth === depth);
          if (tx) tx.record.request_body_len = len;
          break;
        }
        const i = queue.findIndex((t) => t.responded);
        if (i < 0) break;
        const [tx] = queue.splice(i, 1);
        tx.record.response_body_len = len;
        this.write(tx, out);
        if (queue.length === 0) this.open.delete(e.uid);
        break;
      }
    }
  }

  close(uid: string, out: RecordSink): void {
    const queue = this.open.get(uid);
    if (!queue) return;
    this.open.delete(uid);
    for (const tx of queue) this.write(tx, out);
  }

  /** A finished transaction: its http record, and an mcp record when it carried MCP. */
  private write(tx: HttpTransaction, out: RecordSink): void {
    if (this.http) out.push(tx.record);
    const mcp = this.mcp ? mcpRecord(tx) : undefined;
    if (mcp) out.push(mcp);
  }
}

function request(e: AppEvent, hostKind: HttpRecord['host_kind']): HttpRecord {
  return {
    _path: 'http',
    ...ids(e),
    trans_depth: e.num('trans_depth') ?? 0,
    method: e.text('method'),
    host: e.text('host'),
    host_kind: hostKind,
    uri: e.text('uri'),
    referrer: e.text('referrer'),
    version: e.text('version'),
    user_agent: e.text('user_agent'),
    request_body_len: 0,
    response_body_len: 0,
    status_code: undefined,
    status_msg: undefined,
    info_code: undefined,
    info_msg: undefined,
    request_content_type: e.text('content_type'),
    response_content_type: undefined,
    mcp_session_id: e.text('mcp_session_id'),
    mcp_protocol_version: e.text('mcp_protocol_version'),
    mcp_method: e.text('mcp_method'),
    mcp_name: e.text('mcp_name'),
  };
}
