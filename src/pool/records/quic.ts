// QUIC connections' TLS handshakes as ssl records (as Zeek logs them), with transport "quic":
// the client's Initial packets (passed on by the core) are decrypted here (../quic.ts), their
// CRYPTO frames reassembled into the ClientHello, and that handed back to the core's TLS parser,
// which gives the same fields as over TCP; the JA4 then carries the q prefix.

import type { AppEvent, EventType } from '../app-events.js';
import type { Tracker, RecordSink } from '../app-records.js';
import { readInitial, CryptoStream, QuicError, type QuicErrorReason, type InitialKeys } from '../quic.js';
import { clientHello, ja3, ja4 } from './tls-fingerprints.js';
import { newSslRecord } from './ssl.js';

interface QuicState {
  /** The keys of the client's first Initial read (from its DCID): every later one has them too. */
  keys?: InitialKeys;
  stream: CryptoStream;
}

/** The counter of each reason a client Initial could not be read (../quic.ts says what each means). */
const REASON_COUNTERS: Record<QuicErrorReason, string> = {
  'truncated': 'quic.truncated',
  'not-long-header': 'quic.not_long_header',
  'unsupported-version': 'quic.unsupported_version',
  'bad-header': 'quic.bad_header',
  'auth-failed': 'quic.auth_failed',
  'bad-frame': 'quic.bad_frame',
  'crypto-overflow': 'quic.crypto_overflow',
  'crypto-conflict': 'quic.crypto_conflict',
  'not-client-hello': 'quic.not_client_hello',
};

/** The core's TLS parser, for the ClientHellos that QUIC carries. */
export interface HelloParser {
  /** The largest ClientHello it takes, in bytes: the bound of every CRYPTO stream. */
  readonly maxBytes: number;
  /** Parses a ClientHello (handshake message bytes); the event, or undefined. */
  parse(hello: Uint8Array): AppEvent | undefined;
}

export class QuicTracker implements Tracker {
  private readonly open = new Map<string, QuicState | 'done'>();
  /** quic.* counters: ClientHellos read, and why Initials could not be read, by reason. */
  readonly counters: Record<string, number> = {
    'quic.client_hellos': 0,
    ...Object.fromEntries(Object.values(REASON_COUNTERS).map((name) => [name, 0])),
  };

  constructor(private readonly hello: HelloParser) {}

  readonly types: readonly EventType[] = ['QUIC_INITIAL'];

  event(e: AppEvent, out: RecordSink): void {
    const uid = e.uid;
    let st = this.open.get(uid);
    if (st === 'done') return;
    if (!st) {
      st = { stream: new CryptoStream(this.hello.maxBytes) };
      this.open.set(uid, st);
    }
    const packet = e.bytes('packet');
    if (!packet) return;
    const read = readInitial(packet, st.keys);
    if (read.error) this.count(read.error);
    st.keys ??= read.keys;
    for (const p of read.packets) {
      for (const frame of p.crypto) {
        const r = st.stream.push(frame);
        if (r === null) continue;
        this.open.set(uid, 'done');
        if (r instanceof QuicError) {
          this.count(r);
          return;
        }
        const hello = this.hello.parse(r);
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
    this.counters[REASON_COUNTERS[err.reason]]++;
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
