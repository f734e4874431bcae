// Conversations as timed packets, seen from the mirror: the capture point is at one end (`near`,
// the device's ENI), so that end's packets appear when sent and the far end's when they arrive.
// A packet sent in answer to the other side therefore appears one round trip later when the far
// end sends it, and after the sender's think time when the near end does.
//
// TCP: SYN (with an MSS option), SYN-ACK, ACK; each message cut into MSS-sized segments, paced by
// a 64 KiB window over the round trip; the receiver acknowledges every second segment and the
// last one (unless its own answer follows at once and carries the acknowledgement); FIN from one
// side, FIN from the other, last ACK. Sequence and acknowledgement numbers are exact, so the
// sensor's sizes (from sequence numbers) are the bytes sent. Also: connection attempts answered
// by RST or by nothing, and UDP request/response exchanges.

import { Flow, Packet, TCP_FLAGS as F } from './pcap.js';
import { Rng } from './rng.js';

/** Bytes produced on demand (a 30 MiB upload is never held whole). */
export interface Bytes {
  readonly length: number;
  slice(off: number, n: number): Uint8Array;
}

export interface Msg {
  from: 'c' | 's';
  data: Uint8Array | Bytes;
  /** The sender's think time before it sends, µs (default 100). */
  think?: number;
  /** Not before this capture time (a keep-alive connection's next beat). */
  at?: number;
}

export interface TcpSpec {
  flow: Flow;
  /** Capture time of the SYN, µs. */
  start: number;
  /** Round-trip time between the two ends, µs. */
  rtt: number;
  /** The end the mirror sees locally. */
  near: 'c' | 's';
  msgs: Iterable<Msg>;
  /** Who sends the first FIN (default the client), and after how long (µs, default 200). */
  closeBy?: 'c' | 's';
  closeThink?: number;
  /** The closer's last message carries its FIN (an HTTP server answering "Connection: close"). */
  finWithLast?: boolean;
  mss?: number;
}

const EMPTY: Uint8Array = new Uint8Array(0);
const MSS_OPT = (mss: number) => Uint8Array.of(2, 4, mss >> 8, mss & 0xff);
/** A near end acknowledges this long after the segment arrived, µs. */
const ACK_DELAY = 40;
/** An answer sooner than this carries the acknowledgement (delayed ACK). */
const DELAYED_ACK = 40_000;
const WINDOW = 65535;

const asBytes = (d: Uint8Array | Bytes): Bytes => (d instanceof Uint8Array ? { length: d.length, slice: (o, n) => d.subarray(o, o + n) } : d);

function pkt(us: number, flow: Flow, fromClient: boolean, seq: number, ack: number, flags: number, data: Uint8Array = EMPTY, opts?: Uint8Array): Packet {
  return { us, flow, fromClient, seq: seq >>> 0, ack: ack >>> 0, flags, win: WINDOW, data, opts };
}

export function* tcpSession(s: TcpSpec, rng: Rng): Generator<Packet> {
  const f = s.flow;
  const mss = s.mss ?? 1460;
  const far: 'c' | 's' = s.near === 'c' ? 's' : 'c';
  /** Delay before `who` answers the other side's last packet, as the mirror sees it. */
  const answer = (who: 'c' | 's', think: number) => (who === far ? s.rtt + think : think);
  const seqs = { c: rng.u32(), s: rng.u32() };
  const other = (x: 'c' | 's'): 'c' | 's' => (x === 'c' ? 's' : 'c');

  let t = s.start;
  yield pkt(t, f, true, seqs.c, 0, F.SYN, EMPTY, MSS_OPT(mss));
  seqs.c++;
  t += answer('s', 30);
  yield pkt(t, f, false, seqs.s, seqs.c, F.SYN | F.ACK, EMPTY, MSS_OPT(mss));
  seqs.s++;
  t += answer('c', 30);
  yield pkt(t, f, true, seqs.c, seqs.s, F.ACK);
  let last: 'c' | 's' = 'c';

  // acknowledgements due later, in time order
  let pending: Packet[] = [];
  const due = function* (until: number, sender: 'c' | 's') {
    // a packet from `sender` at `until` acknowledges everything: its own later pure ACKs go
    pending = pending.filter((p) => p.us <= until || p.fromClient !== (sender === 'c'));
    while (pending.length > 0 && pending[0].us <= until) yield pending.shift()!;
  };

  const closer = s.closeBy ?? 'c';
  const closeThink = s.closeThink ?? 200;
  let finSent = -1;
  const it = s.msgs[Symbol.iterator]();
  let cur = it.next();
  while (!cur.done) {
    const m = cur.value;
    const next = it.next();
    const from = m.from, to = other(from), fromC = from === 'c';
    const think = m.think ?? 100;
    let t0 = from === last ? t + think : t + answer(from, think);
    if (m.at !== undefined && m.at > t0) t0 = m.at;
    const data = asBytes(m.data);
    const nseg = Math.max(1, Math.ceil(data.length / mss));
    // a window of data per round trip
    const spacing = nseg > 1 ? Math.max(15, (s.rtt * mss) / 60000) : 0;
    // the receiver's next packet (its answer, or its FIN) soon enough to carry the acknowledgement
    const answersAtOnce = next.done
      ? closer === to && closeThink < DELAYED_ACK
      : next.value.from === to && (next.value.think ?? 100) < DELAYED_ACK && next.value.at === undefined;
    const finHere = next.done && s.finWithLast === true && closer === from;
    for (let k = 0; k < nseg; k++) {
      const ts = t0 + k * spacing;
      yield* due(ts, from);
      const n = Math.min(mss, data.length - k * mss);
      const lastSeg = k === nseg - 1;
      const fin = lastSeg && finHere;
      yield pkt(ts, f, fromC, seqs[from], seqs[to], F.ACK | (lastSeg ? F.PSH : 0) | (fin ? F.FIN : 0), n > 0 ? data.slice(k * mss, n) : EMPTY);
      seqs[from] += n + (fin ? 1 : 0);
      if (fin) finSent = ts;
      else if (k % 2 === 1 || (lastSeg && !answersAtOnce)) {
        const ack = pkt(ts + (to === far ? s.rtt : ACK_DELAY), f, !fromC, seqs[to], seqs[from], F.ACK);
        let i = pending.length;
        while (i > 0 && pending[i - 1].us > ack.us) i--;
        pending.splice(i, 0, ack);
      }
      t = ts;
    }
    last = from;
    cur = next;
  }

  const peer = other(closer);
  let tFin = finSent;
  if (tFin < 0) {
    tFin = t + (closer === last ? closeThink : answer(closer, closeThink));
    yield* due(tFin, closer);
    yield pkt(tFin, f, closer === 'c', seqs[closer], seqs[peer], F.FIN | F.ACK);
    seqs[closer]++;
  }
  const tFin2 = tFin + answer(peer, 60);
  yield* due(tFin2, peer);
  yield pkt(tFin2, f, peer === 'c', seqs[peer], seqs[closer], F.FIN | F.ACK);
  seqs[peer]++;
  const tLast = tFin2 + answer(closer, 30);
  yield* due(tLast, closer);
  yield pkt(tLast, f, closer === 'c', seqs[closer], seqs[peer], F.ACK);
  yield* due(Infinity, closer);
}

/**
 * A connection attempt that fails: the far server answers the SYN with RST-ACK, or never answers
 * (the client retransmits its SYN after 1 s and 3 s, as Linux does).
 */
export function* failedConnect(flow: Flow, start: number, rtt: number, answer: 'rst' | 'none', rng: Rng): Generator<Packet> {
  const isn = rng.u32();
  yield pkt(start, flow, true, isn, 0, F.SYN, EMPTY, MSS_OPT(1460));
  if (answer === 'rst') {
    yield pkt(start + rtt, flow, false, 0, isn + 1, F.RST | F.ACK);
  } else {
    yield pkt(start + 1_000_000, flow, true, isn, 0, F.SYN, EMPTY, MSS_OPT(1460));
    yield pkt(start + 3_000_000, flow, true, isn, 0, F.SYN, EMPTY, MSS_OPT(1460));
  }
}

/** A UDP request from the client and the server's response one round trip later. */
export function* udpExchange(flow: Flow, start: number, rtt: number, request: Uint8Array, response: Uint8Array): Generator<Packet> {
  yield pkt(start, flow, true, 0, 0, 0, request);
  yield pkt(start + rtt, flow, false, 0, 0, 0, response);
}
