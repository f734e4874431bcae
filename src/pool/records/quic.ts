// QUIC connections' TLS handshakes as ssl records (as Zeek logs them), with transport "quic":
// the client's Initial packets (passed on by the core) are decrypted here (../quic.ts), their
// CRYPTO frames reassembled into the ClientHello, and that handed back to the core's TLS parser,
// which gives the same fields as over TCP; the JA4 then carries the q prefix.

import type { AppEvent, EventType } from '../app-events.js';
import type { Tracker, RecordSink } from '../app-records.js';
import { readInitial, CryptoStream, QuicError } from '../quic.js';
import { clientHello, ja3, ja4 } from './tls-fingerprints.js';
import { newSslRecord } from './ssl.js';

interface QuicState {
  /** The DCID of the client's first Initial: the keys of every later one derive from it. */
  keyDcid?: Uint8Array;
  stream: CryptoStream;
}

/** Parses a ClientHello (handshake message bytes) with the core; the event, or undefined. */
export type HelloParser = (hello: Uint8Array) => AppEvent | undefined;

export class QuicTracker implements Tracker {
  private readonly open = new Map<string, QuicState | 'done'>();
  /** quic.* counters: ClientHellos read, and why Initials could not be read, by reason. */
  readonly counters: Record<string, number> = { 'quic.client_hellos': 0 };

  constructor(private readonly parseHello: HelloParser) {}

  readonly types: readonly EventType[] = ['QUIC_INITIAL'];

  event(e: AppEvent, out: RecordSink): void {
    const uid = e.uid;
    let st = this.open.get(uid);
    if (st === 'done') return;
    if (!st) {
      st = { stream: new CryptoStream() };
      this.open.set(uid, st);
    }
    const packet = e.bytes('packet');
    if (!packet) return;
    const read = readInitial(packet, st.keyDcid);
    if (read.error) this.count(read.error);
    st.keyDcid ??= read.packets[0]?.dcid;
    for (const p of read.packets) {
      for (const frame of p.crypto) {
        const r = st.stream.push(frame);
        if (r === null) continue;
        this.open.set(uid, 'done');
        if (r instanceof QuicError) {
          this.count(r);
          return;
        }
        const hello = this.parseHello(r);
        if (hello) {
          this.counters['quic.client_hellos']++;
          out.push(record(e, hello));
        }
        return;
      }
    }
  }

  close(uid: string): void {
    this.open.delete(uid);
  }

  private count(err: QuicError): void {
    const name = `quic.${err.reason.replace(/-/g, '_')}`;
    this.counters[name] = (this.counters[name] ?? 0) + 1;
  }
}

function record(initial: AppEvent, helloEvent: AppEvent) {
  const h = clientHello(helloEvent);
  const r = newSslRecord(initial);
  r.version = 'TLSv13'; // QUIC v1 runs TLS 1.3 only (RFC 9001)
  r.server_name = h.sni;
  r.ja3 = ja3(h);
  r.ja4 = ja4(h, true);
  r.transport = 'quic';
  return r;
}
