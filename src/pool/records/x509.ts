// X.509 certificates (RFC 5280) from TLS Certificate messages, summarised as Zeek's x509
// analyzer sees them: subject and issuer as OpenSSL prints them with XN_FLAG_RFC2253 (what Zeek
// logs: "CN=SELKS,O=Stamus,L=Paris,ST=IDF,C=FR", most specific first, RFC 2253 escapes), the
// serial in upper-case hex, the validity period, the DNS names of subjectAltName, the SHA-256
// fingerprint, and whether the certificate signed itself. node:crypto parses the certificate and
// checks its signature; the names and subjectAltName are read from the DER here, as Node prints
// names in another form.

import { X509Certificate, createHash } from 'node:crypto';
import { hex } from './common.js';

export interface CertInfo {
  /** SHA-256 of the DER, lower-case hex (Zeek's cert_chain_fps). */
  fingerprint: string;
  serial?: string;
  subject?: string;
  issuer?: string;
  /** Seconds since the epoch. */
  notValidBefore?: number;
  notValidAfter?: number;
  sanDns: string[];
  /** Issuer and subject are the same name, and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
}

/** A DER element: its tag, and where its content starts and ends. */
interface Tlv { tag: number; start: number; end: number }

function tlv(d: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = d[at];
  let len = d[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[start + i];
    start += n;
  }
  if (start + len > limit) return undefined;
  return { tag, start, end: start + len };
}

/** The elements inside a constructed element. */
function children(d: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const t = tlv(d, at, parent.end);
    if (!t) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

/** OpenSSL's short names of the attribute types seen in names; others print as OpenSSL prints unknown ones. */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory', '2.5.4.16': 'postalAddress', '2.5.4.17': 'postalCode', '2.5.4.18': 'postOfficeBox',
  '2.5.4.20': 'telephoneNumber', '2.5.4.41': 'name', '2.5.4.42': 'GN', '2.5.4.51': 'houseIdentifier',
  '2.5.4.43': 'initials', '2.5.4.44': 'generationQualifier', '2.5.4.45': 'x500UniqueIdentifier',
  '2.5.4.46': 'dnQualifier', '2.5.4.65': 'pseudonym', '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress', '1.2.840.113549.1.9.2': 'unstructuredName',
  '0.9.2342.19200300.100.1.1': 'UID', '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL', '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

function oidText(d: Uint8Array, t: Tlv): string {
  const arcs: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (d[i] & 0x7f);
    if ((d[i] & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

const hexByte = (b: number): string => hex(b, 2).toUpperCase();
/** Characters RFC 2253 escapes with a backslash anywhere (OpenSSL's ASN1_STRFLGS_ESC_2253). */
const ESCAPED = new Set([',', '+', '"', '\\', '<', '>', ';']);

/** The UTF-8 bytes of a code point (OpenSSL's UTF8_putc). */
function utf8(c: number): number[] {
  if (c < 0x80) return [c];
  if (c < 0x800) return [0xc0 | (c >> 6), 0x80 | (c & 0x3f)];
  if (c < 0x10000) return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
  return [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
}

/** String types and their bytes per character (OpenSSL's tag2nbyte; 0 = UTF-8). */
const CHAR_BYTES: Record<number, number> = { 12: 0, 18: 1, 19: 1, 20: 1, 22: 1, 23: 1, 24: 1, 26: 1, 28: 4, 30: 2 };

/**
 * An attribute value as X509_NAME_print_ex prints it with ASN1_STRFLGS_RFC2253: a string (its
 * element starting at `at`) escaped, or '#' and the hex of its whole DER when it is not a string
 * or its attribute type is unknown (`dump`).
 */
function valueText(d: Uint8Array, t: Tlv, at: number, dump: boolean): string {
  const width = CHAR_BYTES[t.tag];
  if (width === undefined || dump) {
    let s = '#';
    for (let i = at; i < t.end; i++) s += hexByte(d[i]);
    return s;
  }
  // the value's bytes once converted to UTF-8 (a UTF-8 string's are its own)
  const bytes: number[] = [];
  if (width === 0) for (let i = t.start; i < t.end; i++) bytes.push(d[i]);
  else {
    for (let i = t.start; i + width <= t.end; i += width) {
      let c = 0;
      for (let k = 0; k < width; k++) c = c * 256 + d[i + k];
      bytes.push(...utf8(c));
    }
  }
  let s = '';
  bytes.forEach((b, i) => {
    const ch = String.fromCharCode(b);
    if (b > 0x7e || b < 0x20) s += '\\' + hexByte(b);
    else if (ESCAPED.has(ch) || (i === 0 && (ch === '#' || ch === ' ')) || (i === bytes.length - 1 && ch === ' ')) s += '\\' + ch;
    else s += ch;
  });
  return s;
}

/**
 * A Name in OpenSSL's XN_FLAG_RFC2253 form: its attributes last to first, "type=value", ','
 * between RDNs and '+' inside a multi-valued one; undefined when the DER is not a Name.
 */
function nameText(d: Uint8Array, name: Tlv): string | undefined {
  const rdns = children(d, name);
  if (!rdns) return undefined;
  const entries: { rdn: number; text: string }[] = [];
  for (const [i, rdn] of rdns.entries()) {
    const atvs = rdn.tag === 0x31 ? children(d, rdn) : undefined;
    if (!atvs) return undefined;
    for (const atv of atvs) {
      const parts = atv.tag === 0x30 ? children(d, atv) : undefined;
      if (!parts || parts.length < 2 || parts[0].tag !== 0x06) return undefined;
      const oid = oidText(d, parts[0]);
      const short = SHORT_NAMES[oid];
      entries.push({ rdn: i, text: `${short ?? oid}=${valueText(d, parts[1], parts[0].end, short === undefined)}` });
    }
  }
  let s = '';
  for (let i = entries.length - 1; i >= 0; i--) {
    if (i < entries.length - 1) s += entries[i].rdn === entries[i + 1].rdn ? '+' : ',';
    s += entries[i].text;
  }
  return s;
}

/** The dNSName entries of a subjectAltName extension's value (GeneralNames). */
function sanDns(d: Uint8Array, value: Tlv): string[] {
  const seq = tlv(d, value.start, value.end);
  const names = seq && seq.tag === 0x30 ? children(d, seq) : undefined;
  return (names ?? []).filter((n) => n.tag === 0x82).map((n) => Buffer.from(d.subarray(n.start, n.end)).toString('latin1'));
}

const OID_SAN = '2.5.29.17';

/** Names and subjectAltName from the DER's TBSCertificate; undefined fields where it is not as expected. */
function fromDer(d: Uint8Array): { subject?: string; issuer?: string; sanDns: string[] } {
  const none = { sanDns: [] };
  const cert = tlv(d, 0, d.length);
  const tbs = cert && cert.tag === 0x30 ? tlv(d, cert.start, cert.end) : undefined;
  const fields = tbs && tbs.tag === 0x30 ? children(d, tbs) : undefined;
  if (!fields) return none;
  // [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … [3] extensions
  const f = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  if (f.length < 6) return none;
  let dns: string[] = [];
  const ext = f.find((x) => x.tag === 0xa3);
  const exts = ext ? tlv(d, ext.start, ext.end) : undefined;
  for (const e of (exts && exts.tag === 0x30 ? children(d, exts) : undefined) ?? []) {
    const parts = e.tag === 0x30 ? children(d, e) : undefined;
    if (!parts || parts[0]?.tag !== 0x06 || oidText(d, parts[0]) !== OID_SAN) continue;
    const value = parts[parts.length - 1];
    if (value.tag === 0x04) dns = sanDns(d, value);
  }
  return { issuer: nameText(d, f[2]), subject: nameText(d, f[4]), sanDns: dns };
}

/** Seconds since the epoch of a Node validity string ("Feb 12 18:07:27 2015 GMT"). */
function seconds(s: string): number | undefined {
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** Certificates already read, by fingerprint: servers send the same ones to every client. */
const seen = new Map<string, CertInfo>();
const SEEN_KEPT = 4096;

/** What a DER certificate says; fields stay unset where it cannot be parsed. */
export function certificateInfo(der: Uint8Array): CertInfo {
  const fingerprint = createHash('sha256').update(der).digest('hex');
  const known = seen.get(fingerprint);
  if (known) return known;
  const info = readCertificate(der, fingerprint);
  seen.set(fingerprint, info);
  if (seen.size > SEEN_KEPT) seen.delete(seen.keys().next().value as string);
  return info;
}

function readCertificate(der: Uint8Array, fingerprint: string): CertInfo {
  const names = fromDer(der);
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch {
    return { fingerprint, subject: names.subject, issuer: names.issuer, sanDns: names.sanDns, selfSigned: false };
  }
  let verified = false;
  if (names.subject !== undefined && names.subject === names.issuer) {
    try {
      verified = x.verify(x.publicKey);
    } catch {
      verified = false;
    }
  }
  return {
    fingerprint,
    serial: x.serialNumber,
    subject: names.subject,
    issuer: names.issuer,
    notValidBefore: seconds(x.validFrom),
    notValidAfter: seconds(x.validTo),
    sanDns: names.sanDns,
    selfSigned: verified,
  };
}
