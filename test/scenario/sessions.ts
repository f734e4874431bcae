// Conversations built from the pieces: a TLS 1.3 session (handshake, then request/response
// records), an HTTP/1.1 connection (request/response pairs), each counted in the network's
// stats as the sensor should count it (one ssl record per handshake, one http record per pair).

import { Device, Network, Remote } from './network.js';
import { Flow, Packet } from './pcap.js';
import { Rng } from './rng.js';
import { Msg, TcpSpec, tcpSession } from './tcp.js';
import { TlsProfile, appData, clientFinished, clientHello, serverFlight } from './payloads.js';
import { concat } from '../helpers/capture-writer.js';

export interface TlsExchange {
  /** Plaintext bytes each way (sent as application data records). */
  req: number;
  resp: number;
  /** The client's think time before the request (µs; the first request follows the handshake). */
  think?: number;
  /** The server's time to answer, µs. */
  serverThink?: number;
}

export interface TlsSession {
  sni?: string;
  profile: TlsProfile;
  resume?: boolean;
  /** Plaintext of the server's encrypted handshake (certificates and all, or little when resumed). */
  serverHandshake: number;
  exchanges: Iterable<TlsExchange>;
}

/** The messages of a TLS 1.3 session; counts its handshake. */
export function* tlsMessages(net: Network, rng: Rng, s: TlsSession): Generator<Msg> {
  net.stats.ssl++;
  yield { from: 'c', data: clientHello(rng, { sni: s.sni, profile: s.profile, resume: s.resume }) };
  const cipher = s.profile.ciphers.find((c) => c >> 8 === 0x13) ?? 0x1301; // the server takes the client's first 1.3 suite
  yield { from: 's', data: serverFlight(rng, cipher, s.serverHandshake, s.resume), think: Math.round(rng.range(400, 4_000)) };
  let first = true;
  for (const x of s.exchanges) {
    const req = appData(rng, x.req);
    yield { from: 'c', data: first ? concat([clientFinished(rng), req]) : req, think: x.think ?? Math.round(rng.range(150, 600)) };
    yield { from: 's', data: appData(rng, x.resp), think: x.serverThink ?? Math.round(rng.range(500, 20_000)) };
    first = false;
  }
}

/** The messages of an HTTP/1.1 connection: one request and its response per pair; counts them. */
export function* httpMessages(net: Network, pairs: Iterable<{ req: Uint8Array; resp: Uint8Array; think?: number; serverThink?: number; at?: number }>): Generator<Msg> {
  for (const p of pairs) {
    net.stats.http++;
    yield { from: 'c', data: p.req, think: p.think, at: p.at };
    yield { from: 's', data: p.resp, think: p.serverThink };
  }
}

/** A TCP connection from the device (seen at the device), counted. */
export function* connect(net: Network, flow: Flow, to: Remote, start: number, rng: Rng, msgs: Iterable<Msg>, opts: Partial<TcpSpec> = {}): Generator<Packet> {
  net.stats.tcp++;
  net.stats.tcpClosed++;
  yield* tcpSession({ flow, start, rtt: to.rtt, near: 'c', msgs, ...opts }, rng);
}

/** Resolve the remote's name if the device needs to, then connect to it. */
export function* connectByName(net: Network, d: Device, to: Remote, port: number, t: number, rng: Rng, msgs: (start: number) => Iterable<Msg>, opts: Partial<TcpSpec> = {}): Generator<Packet> {
  const start = yield* net.resolve(d, to, t, rng);
  yield* connect(net, net.flowTo(d, to, port, 6, rng), to, start, rng, msgs(start), opts);
}
