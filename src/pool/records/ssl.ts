// TLS handshakes as Zeek ssl.log records: the ClientHello, ServerHello and server certificates
// of one TCP connection become one record, written as soon as nothing more is expected in clear
// (a TLS 1.3 ServerHello, or the certificates) or when the connection ends. Field names are
// Zeek's (with the ja3, ja3s and ja4 of the usual Zeek packages); the leaf certificate's serial,
// validity, DNS names and self_signed flag are this sensor's additions. QUIC's ClientHellos
// (events with no TCP connection) are the QUIC records' business, not this tracker's.

import type { AppEvent, EventType } from '../app-events.js';
import type { Tracker, RecordSink } from '../app-records.js';
import { ids, PROTO_TCP } from './common.js';
import type { RecordIds } from '../record-ids.js';
import { clientHello, serverHello, ja3, ja3s, ja4 } from './tls-fingerprints.js';
import { certificateInfo } from './x509.js';

export interface SslRecord extends RecordIds {
  _path: 'ssl';
  version?: string;
  cipher?: string;
  server_name?: string;
  next_protocol?: string;
  cert_chain_fps?: string[];
  subject?: string;
  issuer?: string;
  validation_status?: string;
  ja3?: string;
  ja3s?: string;
  ja4?: string;
  /** The leaf certificate: serial (upper-case hex), validity (epoch seconds), DNS names, self-signed. */
  serial?: string;
  not_valid_before?: number;
  not_valid_after?: number;
  san_dns?: string[];
  self_signed?: boolean;
  /** Set for a handshake carried in QUIC Initial packets (records/quic.ts). */
  transport?: 'quic';
}


/** Zeek's SSL::version_strings. */
export function versionName(v: number): string {
  const names: Record<number, string> = {
    0x0002: 'SSLv2', 0x0300: 'SSLv3', 0x0301: 'TLSv10', 0x0302: 'TLSv11', 0x0303: 'TLSv12', 0x0304: 'TLSv13',
    0xfeff: 'DTLSv10', 0xfefd: 'DTLSv12', 0xfefc: 'DTLSv13',
  };
  if (names[v]) return names[v];
  if (Math.floor(v / 0xff) === 0x7f) return `TLSv13-draft${v % 0x7f}`;
  return `unknown-${v}`;
}

/** IANA names of the cipher suites in common use (the TLS Cipher Suites registry). */
const CIPHERS: Record<number, string> = {
  0x0004: 'TLS_RSA_WITH_RC4_128_MD5',
  0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x0016: 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0032: 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x0038: 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
  0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  0x0041: 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  0x0084: 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA',
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  0x5600: 'TLS_FALLBACK_SCSV',
  0xc007: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  0xc008: 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA',
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc011: 'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  0xc012: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xc09c: 'TLS_RSA_WITH_AES_128_CCM',
  0xc09d: 'TLS_RSA_WITH_AES_256_CCM',
  0xc0ac: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
  0xc0ad: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xccab: 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256',
  0xccac: 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
};

/** A cipher suite's IANA name; unknown ones as Zeek writes them ("unknown-" and the decimal value). */
export const cipherName = (v: number): string => CIPHERS[v] ?? `unknown-${v}`;

const isTls13 = (v: number): boolean => v === 0x0304 || v >> 8 === 0x7f;

/** A record with its fields in Zeek's order (unset ones are left out of the JSON). */
export function newSslRecord(e: AppEvent): SslRecord {
  return {
    _path: 'ssl',
    ...ids(e),
    version: undefined,
    cipher: undefined,
    server_name: undefined,
    next_protocol: undefined,
    cert_chain_fps: undefined,
    subject: undefined,
    issuer: undefined,
    validation_status: undefined,
    ja3: undefined,
    ja3s: undefined,
    ja4: undefined,
    serial: undefined,
    not_valid_before: undefined,
    not_valid_after: undefined,
    san_dns: undefined,
    self_signed: undefined,
  };
}

export class SslTracker implements Tracker {
  readonly types: readonly EventType[] = ['TLS_CLIENT_HELLO', 'TLS_SERVER_HELLO', 'TLS_CERTIFICATE'];
  private readonly open = new Map<string, SslRecord>();


  event(e: AppEvent, out: RecordSink): void {
    if (e.proto !== PROTO_TCP) return;
    const uid = e.uid;
    let r = this.open.get(uid);
    if (!r) {
      r = newSslRecord(e);
      this.open.set(uid, r);
    }
    switch (e.type) {
      case 'TLS_CLIENT_HELLO': {
        const h = clientHello(e);
        r.server_name = h.sni;
        r.ja3 = ja3(h);
        r.ja4 = ja4(h);
        break;
      }
      case 'TLS_SERVER_HELLO': {
        const s = serverHello(e);
        const version = s.selectedVersion ?? s.version;
        r.version = versionName(version);
        r.cipher = cipherName(s.cipher);
        r.next_protocol = s.alpn;
        r.ja3s = ja3s(s);
        if (isTls13(version)) this.close(uid, out); // the certificates are encrypted
        break;
      }
      case 'TLS_CERTIFICATE': {
        const certs = e.bytesAll('cert').map(certificateInfo);
        const leaf = certs[0];
        r.cert_chain_fps = certs.map((c) => c.fingerprint);
        if (leaf) {
          r.subject = leaf.subject;
          r.issuer = leaf.issuer;
          if (leaf.selfSigned) r.validation_status = 'self signed certificate';
          r.serial = leaf.serial;
          r.not_valid_before = leaf.notValidBefore;
          r.not_valid_after = leaf.notValidAfter;
          r.san_dns = leaf.sanDns;
          r.self_signed = leaf.selfSigned;
        }
        this.close(uid, out);
        break;
      }
    }
  }

  close(uid: string, out: RecordSink): void {
    const r = this.open.get(uid);
    if (!r) return;
    this.open.delete(uid);
    out.push(r);
  }
}
