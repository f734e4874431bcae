// What the application records share: the ids of the event's connection (../record-ids.ts), and
// small text forms.

import type { AppEvent } from '../app-events.js';
import type { RecordIds } from '../record-ids.js';

/** The IP protocol number of TCP, as events carry it. */
export const PROTO_TCP = 6;

/** v in hex, lower case, left-padded with zeros to `digits`. */
export const hex = (v: number, digits: number): string => v.toString(16).padStart(digits, '0');

export function ids(e: AppEvent): RecordIds {
  return {
    ts: e.tsUs / 1e6,
    uid: e.uid,
    'id.orig_h': e.orig,
    'id.orig_p': e.origPort,
    'id.resp_h': e.resp,
    'id.resp_p': e.respPort,
    vni: e.vni,
  };
}
