// Application payloads, byte for byte as the protocols define them:
//   HTTP/1.1 requests (Host, User-Agent) and responses (Content-Length);
//   TLS (RFC 8446): a ClientHello with server_name, supported_groups, signature_algorithms,
//     supported_versions, ALPN and key_share; a TLS 1.3 ServerHello; change_cipher_spec; and
//     application_data records (content type 23) whose bodies look encrypted;
//   DNS (RFC 1035): an A query and its response with A records and TTLs;
//   PostgreSQL's frontend/backend protocol v3 (startup, simple queries) for the internal database.

import { crc32, deflateSync } from 'node:zlib';
import { Rng } from './rng.js';
import { concat } from '../helpers/capture-writer.js';

const enc = new TextEncoder();

/** Incompressible bytes to slice ciphertext from, and printable text to slice bodies from. */
const NOISE = new Rng(0x6e6f6973).bytes(1 << 20);
const TEXT = (() => {
  const words = 'the quick network sensor learns each device pattern of life and raises alerts when traffic looks unusual lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');
  const r = new Rng(0x74657874);
  let s = '';
  while (s.length < 1 << 18) s += r.pick(words) + (r.chance(0.08) ? '.\n' : ' ');
  return enc.encode(s);
})();

/** n bytes that look encrypted. */
export function noise(rng: Rng, n: number): Uint8Array {
  if (n > NOISE.length) throw new Error(`noise of ${n} bytes: at most ${NOISE.length}`);
  const off = rng.int(NOISE.length - n + 1);
  return NOISE.subarray(off, off + n);
}

/** n bytes of printable text. */
export function text(rng: Rng, n: number): Uint8Array {
  const off = rng.int(TEXT.length - n + 1);
  return TEXT.subarray(off, off + n);
}

const u8 = (n: number) => Uint8Array.of(n & 0xff);
const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
const u24 = (n: number) => Uint8Array.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
const u32 = (n: number) => Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const vec16 = (b: Uint8Array) => concat([u16(b.length), b]);
const vec8 = (b: Uint8Array) => concat([u8(b.length), b]);
const u16s = (list: number[]) => concat(list.map(u16));

// ---------------------------------------------------------------------------------------------
// HTTP/1.1

export interface HttpRequest {
  method: string;
  uri: string;
  host: string;
  userAgent: string;
  headers?: [string, string][];
  body?: Uint8Array;
  contentType?: string;
}

export function httpRequest(r: HttpRequest): Uint8Array {
  let head = `${r.method} ${r.uri} HTTP/1.1\r\nHost: ${r.host}\r\nUser-Agent: ${r.userAgent}\r\n`;
  for (const [k, v] of r.headers ?? [['Accept', '*/*']]) head += `${k}: ${v}\r\n`;
  if (r.body) head += `Content-Type: ${r.contentType ?? 'application/octet-stream'}\r\nContent-Length: ${r.body.length}\r\n`;
  head += '\r\n';
  return r.body ? concat([enc.encode(head), r.body]) : enc.encode(head);
}

export function httpResponse(status: number, reason: string, contentType: string, body: Uint8Array, headers: [string, string][] = []): Uint8Array {
  let head = `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  head += '\r\n';
  return concat([enc.encode(head), body]);
}

/** An HTML page of about n bytes. */
export function htmlBody(rng: Rng, title: string, n: number): Uint8Array {
  const head = enc.encode(`<!doctype html><html><head><title>${title}</title></head><body><p>`);
  const tail = enc.encode('</p></body></html>\n');
  return concat([head, text(rng, Math.max(0, n - head.length - tail.length)), tail]);
}

/** A PNG of about n bytes: signature, IHDR, one IDAT (a valid zlib stream of stored blocks), IEND. */
export function pngBody(rng: Rng, n: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const td = concat([enc.encode(type), data]);
    return concat([u32(data.length), td, u32(crc32(td))]);
  };
  const side = 16 + rng.int(48);
  const ihdr = concat([u32(side), u32(side), Uint8Array.of(8, 2, 0, 0, 0)]);
  const idat = deflateSync(noise(rng, Math.max(16, n - 70)), { level: 0 });
  return concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

// ---------------------------------------------------------------------------------------------
// TLS

/** What a client offers: the fingerprint-relevant parts of its ClientHello. */
export interface TlsProfile {
  ciphers: number[];
  groups: number[];
  sigAlgs: number[];
  alpn: string[];
}

/** A browser (Firefox-like offer, no GREASE). */
export const BROWSER: TlsProfile = {
  ciphers: [0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
  groups: [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101],
  sigAlgs: [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201],
  alpn: ['h2', 'http/1.1'],
};

/** An agent built on OpenSSL (as curl or Python offer). */
export const AGENT: TlsProfile = {
  ciphers: [0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f, 0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff],
  groups: [0x001d, 0x0017, 0x001e, 0x0019, 0x0018],
  sigAlgs: [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
  alpn: ['http/1.1'],
};

const ext = (type: number, body: Uint8Array) => concat([u16(type), vec16(body)]);
const record = (type: number, body: Uint8Array, version = 0x0303) => concat([u8(type), u16(version), vec16(body)]);
const handshake = (type: number, body: Uint8Array) => concat([u8(type), u24(body.length), body]);

export interface ClientHelloOptions {
  sni?: string;
  profile: TlsProfile;
  /** Offer a session ticket from before (pre_shared_key, which must be the last extension). */
  resume?: boolean;
}

/** A ClientHello in a handshake record: TLS 1.2 on the wire, offering 1.3 and 1.2. */
export function clientHello(rng: Rng, o: ClientHelloOptions): Uint8Array {
  const p = o.profile;
  const exts: Uint8Array[] = [];
  if (o.sni) {
    const name = enc.encode(o.sni);
    exts.push(ext(0, vec16(concat([u8(0), vec16(name)]))));
  }
  exts.push(ext(23, new Uint8Array(0)));                                 // extended_master_secret
  exts.push(ext(0xff01, u8(0)));                                         // renegotiation_info
  exts.push(ext(10, vec16(u16s(p.groups))));                             // supported_groups
  exts.push(ext(11, vec8(u8(0))));                                       // ec_point_formats: uncompressed
  exts.push(ext(35, new Uint8Array(0)));                                 // session_ticket
  if (p.alpn.length) exts.push(ext(16, vec16(concat(p.alpn.map((a) => vec8(enc.encode(a)))))));
  exts.push(ext(5, Uint8Array.of(1, 0, 0, 0, 0)));                       // status_request: OCSP
  exts.push(ext(51, vec16(concat([u16(0x001d), vec16(noise(rng, 32))])))); // key_share: x25519
  exts.push(ext(43, vec8(u16s([0x0304, 0x0303]))));                      // supported_versions
  exts.push(ext(13, vec16(u16s(p.sigAlgs))));                            // signature_algorithms
  exts.push(ext(45, vec8(u8(1))));                                       // psk_key_exchange_modes: psk_dhe_ke
  if (o.resume) {
    const identity = concat([vec16(noise(rng, 80)), u32(rng.u32())]);
    const binder = vec8(noise(rng, 32));
    exts.push(ext(41, concat([vec16(identity), vec16(binder)])));      // pre_shared_key
  }
  const body = concat([
    u16(0x0303), noise(rng, 32), vec8(noise(rng, 32)), vec16(u16s(p.ciphers)), vec8(u8(0)), vec16(concat(exts)),
  ]);
  return record(22, handshake(1, body), 0x0301);
}

/** The server's first flight in TLS 1.3: ServerHello, change_cipher_spec, then its encrypted handshake. */
export function serverFlight(rng: Rng, cipher: number, encryptedHandshake: number, resumed = false): Uint8Array {
  const exts = [
    ext(43, u16(0x0304)),                                                // supported_versions: TLS 1.3
    ext(51, concat([u16(0x001d), vec16(noise(rng, 32))])),               // key_share
  ];
  if (resumed) exts.push(ext(41, u16(0)));                               // pre_shared_key: identity 0
  const body = concat([u16(0x0303), noise(rng, 32), vec8(noise(rng, 32)), u16(cipher), u8(0), vec16(concat(exts))]);
  return concat([record(22, handshake(2, body)), changeCipherSpec(), appData(rng, encryptedHandshake)]);
}

export const changeCipherSpec = (): Uint8Array => record(20, u8(1));

/** `plain` bytes of application data as TLS 1.3 records (16 KiB each at most, 17 bytes of tag and type). */
export function appData(rng: Rng, plain: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let left = plain; left > 0 || parts.length === 0; left -= 16384) {
    const n = Math.min(16384, Math.max(left, 0)) + 17;
    parts.push(concat([Uint8Array.of(23, 3, 3), u16(n), noise(rng, n)]));
  }
  return concat(parts);
}

/** The client's second flight: change_cipher_spec and Finished (encrypted). */
export const clientFinished = (rng: Rng): Uint8Array => concat([changeCipherSpec(), appData(rng, 36)]);

/**
 * A long upload as TLS 1.3 records, built on demand: `plain` bytes in full 16 KiB records
 * (16,406 bytes each on the wire), so a 30 MiB body never sits in memory.
 */
export class TlsUpload {
  static readonly RECORD = 5 + 16384 + 17;
  readonly length: number;
  private readonly header = Uint8Array.of(23, 3, 3, (16401 >> 8) & 0xff, 16401 & 0xff);

  constructor(plain: number) {
    if (plain % 16384 !== 0) throw new Error('an upload is whole 16 KiB records');
    this.length = (plain / 16384) * TlsUpload.RECORD;
  }

  /** Wire bytes [off, off + n). */
  slice(off: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n;) {
      const pos = (off + i) % TlsUpload.RECORD;
      if (pos < 5) {
        out[i++] = this.header[pos];
      } else {
        const take = Math.min(n - i, TlsUpload.RECORD - pos);
        const src = (off + i) % (NOISE.length - 17000);
        out.set(NOISE.subarray(src, src + take), i);
        i += take;
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// DNS

function qname(name: string): Uint8Array {
  return concat([...name.split('.').map((l) => vec8(enc.encode(l))), u8(0)]);
}

export function dnsQuery(id: number, name: string): Uint8Array {
  return concat([u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), qname(name), u16(1), u16(1)]);
}

/** The answer to dnsQuery: the question again, then one A record per address (name by pointer to offset 12). */
export function dnsResponse(id: number, name: string, addrs: number[], ttl: number): Uint8Array {
  const answers = addrs.map((a) => concat([u16(0xc00c), u16(1), u16(1), u32(ttl), u16(4), u32(a)]));
  return concat([u16(id), u16(0x8180), u16(1), u16(addrs.length), u16(0), u16(0), qname(name), u16(1), u16(1), ...answers]);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (protocol 3.0): the client's startup and queries, the server's answers

const pgMsg = (type: string, body: Uint8Array) => concat([enc.encode(type), u32(body.length + 4), body]);
const cstr = (s: string) => enc.encode(`${s}\0`);

export function pgStartup(user: string, database: string): Uint8Array {
  const body = concat([u32(196608), cstr('user'), cstr(user), cstr('database'), cstr(database), cstr('application_name'), cstr('orders-worker'), u8(0)]);
  return concat([u32(body.length + 4), body]);
}

export function pgReady(rng: Rng): Uint8Array {
  return concat([
    pgMsg('R', u32(0)),                                                  // AuthenticationOk
    pgMsg('S', concat([cstr('server_version'), cstr('16.3')])),
    pgMsg('S', concat([cstr('client_encoding'), cstr('UTF8')])),
    pgMsg('K', concat([u32(rng.u32()), u32(rng.u32())])),                // BackendKeyData
    pgMsg('Z', enc.encode('I')),                                          // ReadyForQuery
  ]);
}

export const pgQuery = (sql: string): Uint8Array => pgMsg('Q', cstr(sql));

/** A result of `rows` rows of one text column, about `width` bytes each. */
export function pgResult(rng: Rng, rows: number, width: number): Uint8Array {
  const field = concat([cstr('payload'), u32(0), u16(0), u32(25), u16(0xffff), u32(0xffffffff), u16(0)]);
  const parts = [pgMsg('T', concat([u16(1), field]))];
  for (let i = 0; i < rows; i++) {
    const v = text(rng, width);
    parts.push(pgMsg('D', concat([u16(1), u32(v.length), v])));
  }
  parts.push(pgMsg('C', cstr(`SELECT ${rows}`)), pgMsg('Z', enc.encode('I')));
  return concat(parts);
}

export const pgTerminate = (): Uint8Array => pgMsg('X', new Uint8Array(0));
