// Connection records against Zeek's own conn.log for the same captures: the 5-tuple, duration,
// byte and packet counts, conn_state, history, missed bytes, the tunnel service, and that each
// inner connection names its tunnel sessions (by the uids we gave them) as Zeek does.

import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { pcapDir } from './helpers/corpus.js';
import { shardRecords } from './helpers/run.js';
import { ZEEK_CONN_BASELINES, ZEEK_FIELDS } from './fixtures/zeek-conn-baselines.js';
import type { ConnRecord } from '../src/pool/conn-record.js';

const key = (h1: string, p1: string | number, h2: string, p2: string | number, proto: string) => `${proto} ${h1}:${p1} ${h2}:${p2}`;
const recKey = (r: ConnRecord) => key(r['id.orig_h'], r['id.orig_p'], r['id.resp_h'], r['id.resp_p'], r.proto);
const unset = (v: string) => (v === '-' ? undefined : v);

describe('conn records against Zeek baselines', () => {
  for (const [file, rows] of Object.entries(ZEEK_CONN_BASELINES)) {
    it(file, () => {
      const { records } = shardRecords(path.join(pcapDir, file));
      expect(records.length, `${file}: number of connections`).toBe(rows.length);
      const zeek = rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [ZEEK_FIELDS[i], v])));
      const byZeekUid = new Map(zeek.map((z) => [z.uid, key(z['id.orig_h'], z['id.orig_p'], z['id.resp_h'], z['id.resp_p'], z.proto)]));
      const ours = new Map(records.map((r) => [recKey(r), r]));
      for (const z of zeek) {
        const k = key(z['id.orig_h'], z['id.orig_p'], z['id.resp_h'], z['id.resp_p'], z.proto);
        const r = ours.get(k);
        expect(r, `${file}: Zeek has ${k}`).toBeDefined();
        if (!r) continue;
        const at = `${file} ${k}`;
        expect(r.service, `${at}: service`).toBe(unset(z.service));
        expect(r.duration, `${at}: duration`).toBeCloseTo(Number(z.duration), 6);
        expect(r.orig_bytes, `${at}: orig_bytes`).toBe(Number(z.orig_bytes));
        expect(r.resp_bytes, `${at}: resp_bytes`).toBe(Number(z.resp_bytes));
        expect(r.conn_state, `${at}: conn_state`).toBe(z.conn_state);
        expect(r.missed_bytes, `${at}: missed_bytes`).toBe(Number(z.missed_bytes));
        expect(r.history, `${at}: history`).toBe(unset(z.history));
        expect([r.orig_pkts, r.orig_ip_bytes, r.resp_pkts, r.resp_ip_bytes], `${at}: packets and IP bytes`)
          .toEqual([z.orig_pkts, z.orig_ip_bytes, z.resp_pkts, z.resp_ip_bytes].map(Number));
        const parents = unset(z.tunnel_parents)?.split(',').map((uid) => byZeekUid.get(uid)) ?? [];
        const ourParents = (r.tunnel_parents ?? []).map((uid) => recKey(records.find((p) => p.uid === uid)!));
        expect(ourParents.sort(), `${at}: tunnel_parents`).toEqual(parents.sort());
      }
    });
  }
});
