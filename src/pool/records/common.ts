// What every application record shares with its connection record: when, uid, the 5-tuple.

import type { AppEvent } from '../app-events.js';
import { uidString } from '../conn-record.js';

/** The IP protocol number of TCP, as events carry it. */
export const PROTO_TCP = 6;

export interface RecordIds {
  ts: number;
  uid: string;
  'id.orig_h': string;
  'id.orig_p': number;
  'id.resp_h': string;
  'id.resp_p': number;
  /** The mirror session's VNI, when the connection came through a tunnel (as in conn records). */
  vni?: number;
}

export function ids(e: AppEvent): RecordIds {
  return {
    ts: e.tsUs / 1e6,
    uid: uidString(e.uidHi, e.uidLo),
    'id.orig_h': e.orig,
    'id.orig_p': e.origPort,
    'id.resp_h': e.resp,
    'id.resp_p': e.respPort,
    vni: e.vni,
  };
}

/** The connection's uid, which also keys per-connection state. */
export const uidOf = (e: AppEvent): string => uidString(e.uidHi, e.uidLo);
