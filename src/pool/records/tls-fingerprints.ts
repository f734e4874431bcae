// TLS fingerprints of a hello, from the core's hello events (assembly/tls.ts):
// - JA3 (client) and JA3S (server), Salesforce's: the decimal field values joined by '-', the
//   fields by ',', GREASE values (RFC 8701) left out, then MD5; as tshark computes them.
// - JA4 (client), FoxIO's, the BSD-3-Clause member of JA4+, as its technical details specify
//   (https://github.com/FoxIO-LLC/ja4/blob/main/technical_details/JA4.md): t or q (QUIC), the
//   version, d or i (SNI or not), cipher and extension counts, the first ALPN's first and last
//   characters; then truncated SHA-256 hashes of the sorted ciphers, and of the sorted extensions
//   (without SNI and ALPN) followed by the signature algorithms in their order.

import { createHash } from 'node:crypto';
import type { AppEvent } from '../app-events.js';
import { hex } from './common.js';

/** What a ClientHello offers (the event's fields; the lists in wire order, GREASE included). */
export interface ClientHello {
  /** The ClientHello's own (legacy) version, not the record's. */
  version: number;
  ciphers: number[];
  extensions: number[];
  groups: number[];
  pointFormats: number[];
  sigAlgs: number[];
  supportedVersions: number[];
  sni?: string;
  /** The ALPN protocol names, in order, as bytes (from an event: views, valid as long as it is). */
  alpn: Buffer[];
}

/** What a ServerHello chose. */
export interface ServerHello {
  version: number;
  cipher: number;
  extensions: number[];
  /** The version its supported_versions extension selected (TLS 1.3), if any. */
  selectedVersion?: number;
  alpn?: string;
}

/** The ClientHello of an Ev.TLS_CLIENT_HELLO event (from TCP, or from tlsParseClientHello). */
export function clientHello(e: AppEvent): ClientHello {
  return {
    version: e.num('handshake_version') ?? 0,
    ciphers: e.u16s('ciphers'),
    extensions: e.u16s('extensions'),
    groups: e.u16s('groups'),
    pointFormats: e.u16s('point_formats'),
    sigAlgs: e.u16s('sig_algs'),
    supportedVersions: e.u16s('supported_versions'),
    sni: e.text('sni'),
    alpn: e.bytesAll('alpn'),
  };
}

/** The ServerHello of an Ev.TLS_SERVER_HELLO event. */
export function serverHello(e: AppEvent): ServerHello {
  return {
    version: e.num('handshake_version') ?? 0,
    cipher: e.num('cipher') ?? 0,
    extensions: e.u16s('extensions'),
    selectedVersion: e.num('selected_version'),
    alpn: e.text('alpn'),
  };
}

/** GREASE (RFC 8701): 0x0a0a, 0x1a1a, … 0xfafa. */
export const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);

const noGrease = (values: number[]): number[] => values.filter((v) => !isGrease(v));
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

export function ja3String(h: ClientHello): string {
  return [String(h.version), noGrease(h.ciphers).join('-'), noGrease(h.extensions).join('-'),
    noGrease(h.groups).join('-'), h.pointFormats.join('-')].join(',');
}

export const ja3 = (h: ClientHello): string => md5(ja3String(h));

export function ja3sString(s: ServerHello): string {
  return [String(s.version), String(s.cipher), noGrease(s.extensions).join('-')].join(',');
}

export const ja3s = (s: ServerHello): string => md5(ja3sString(s));

const JA4_VERSIONS: Record<number, string> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2',
  0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};
const EXT_SNI = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SUPPORTED_VERSIONS = 0x002b;
const EMPTY_HASH = '000000000000';

const hex4 = (v: number): string => hex(v, 4);
const hash12 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** The first ALPN value's first and last characters; its hex form's when either is not alphanumeric. */
function alpnChars(alpn: Buffer | undefined): string {
  if (!alpn || alpn.length === 0) return '00';
  const first = alpn[0], last = alpn[alpn.length - 1];
  if (isAlnum(first) && isAlnum(last)) return String.fromCharCode(first, last);
  const hex = alpn.toString('hex');
  return hex[0] + hex[hex.length - 1];
}

/** JA4's version: the highest supported_versions value if the extension is there, else the hello's. */
function ja4Version(h: ClientHello): string {
  const offered = noGrease(h.supportedVersions);
  const v = h.extensions.includes(EXT_SUPPORTED_VERSIONS) && offered.length > 0 ? Math.max(...offered) : h.version;
  return JA4_VERSIONS[v] ?? '00';
}

/** The JA4 fingerprint of a ClientHello; `quic` when it came in QUIC Initial packets. */
export function ja4(h: ClientHello, quic = false): string {
  const ciphers = noGrease(h.ciphers);
  const exts = noGrease(h.extensions);
  const count = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
  const a = `${quic ? 'q' : 't'}${ja4Version(h)}${exts.includes(EXT_SNI) ? 'd' : 'i'}${count(ciphers.length)}${count(exts.length)}${alpnChars(h.alpn[0])}`;
  const sortedCiphers = [...ciphers].sort((x, y) => x - y).map(hex4).join(',');
  const b = ciphers.length > 0 ? hash12(sortedCiphers) : EMPTY_HASH;
  const hashed = exts.filter((v) => v !== EXT_SNI && v !== EXT_ALPN).sort((x, y) => x - y);
  const sigs = noGrease(h.sigAlgs).map(hex4).join(',');
  const c = hashed.length > 0 ? hash12(hashed.map(hex4).join(',') + (sigs ? `_${sigs}` : '')) : EMPTY_HASH;
  return `${a}_${b}_${c}`;
}
