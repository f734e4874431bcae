// Data bursts: the originator of a connection sending again after a second or more of silence.
// Not a log of its own: the detection engine takes their times as beats of a beacon that hides
// inside one long-lived connection (TLS records on an open session, a chatty websocket).

import type { AppEvent, EventType } from '../app-events.js';
import type { Tracker, RecordSink } from '../app-records.js';
import { ids } from './common.js';
import type { RecordIds } from '../record-ids.js';

export interface BurstRecord extends RecordIds {
  _path: 'burst';
}

export class BurstTracker implements Tracker {
  readonly types: readonly EventType[] = ['DATA_BURST'];

  event(e: AppEvent, out: RecordSink): void {
    out.push({ _path: 'burst', ...ids(e) });
  }

  close(): void {}
}
