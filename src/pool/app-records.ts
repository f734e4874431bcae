// Application events → log records (Zeek's http, ssl, dns logs, and mcp), per shard: each
// protocol's tracker pairs what belongs together (request and response, hellos and certificates)
// and hands back finished records; a connection's end flushes what it left open.

import type { AppEvent } from './app-events.js';
import { EventType } from './app-events.js';
import { HttpTracker, HttpRecord, HttpTransaction } from './records/http.js';

export type AppRecord = HttpRecord;

export class AppRecords {
  private readonly http = new HttpTracker();

  /** Records completed by these events. */
  events(list: AppEvent[], out: { push(r: AppRecord): unknown }): void {
    for (const e of list) {
      switch (e.type) {
        case EventType.HTTP_REQUEST:
        case EventType.HTTP_RESPONSE:
        case EventType.HTTP_BODY_DATA:
        case EventType.HTTP_BODY_END:
          this.transactions(this.http.event(e), out);
          break;
      }
    }
  }

  /** The connection with this uid ended. */
  closed(uid: string, out: { push(r: AppRecord): unknown }): void {
    this.transactions(this.http.close(uid), out);
  }

  private transactions(txs: HttpTransaction[], out: { push(r: AppRecord): unknown }): void {
    for (const tx of txs) out.push(tx.record);
  }
}
