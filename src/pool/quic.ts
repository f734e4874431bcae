// QUIC v1 client Initial packets (RFC 9000 §17.2, RFC 9001 §5): removes the Initial packet
// protection, whose keys anyone can derive from the client's first Destination Connection ID, and
// reassembles the CRYPTO frames into the TLS ClientHello that the core's TLS parser reads. Bad
// input gives a QuicError value (a reason to count, and a detail), never an exception.

import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/** RFC 9001 §5.2, QUIC v1. */
const INITIAL_SALT = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
/** Connection IDs are at most 20 bytes in QUIC v1 (RFC 9000 §17.2). */
const MAX_CID = 20;
/** AEAD tag and header protection sample sizes (AES-128-GCM, AES-ECB). */
const TAG = 16;
const SAMPLE = 16;
/** The largest stream offset + length a CRYPTO frame may reach (RFC 9000 §19.6). */
const MAX_OFFSET = 2 ** 62 - 1;
const EMPTY = new Uint8Array(0);

export type QuicErrorReason =
  /** A field runs past the end of the datagram, or the packet past its Length. */
  | 'truncated'
  /** The datagram does not start with a long header packet. */
  | 'not-long-header'
  /** A version other than QUIC v1 (0x00000001), including 0 (Version Negotiation). */
  | 'unsupported-version'
  /** Fixed bit clear, connection ID over 20 bytes, packet too short to sample, reserved bits set. */
  | 'bad-header'
  /** The AES-GCM tag does not verify: tampered, or not a client Initial of this connection. */
  | 'auth-failed'
  /** No frames, a frame cut short, or a frame type that an Initial packet may not carry. */
  | 'bad-frame'
  /** CRYPTO data, or the ClientHello it announces, beyond the CryptoStream's limit. */
  | 'crypto-overflow'
  /** CRYPTO data that differs from the data received before at the same offset. */
  | 'crypto-conflict'
  /** The first handshake message in the CRYPTO stream is not a ClientHello. */
  | 'not-client-hello';

/** An error value, returned (not thrown) for the caller to count by reason. */
export class QuicError {
  constructor(readonly reason: QuicErrorReason, readonly detail: string) {}
}

export interface InitialKeys {
  /** client_initial_secret */
  secret: Buffer;
  /** AES-128-GCM key, IV, and AES-128 header protection key */
  key: Buffer;
  iv: Buffer;
  hp: Buffer;
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context; one SHA-256 block, so length ≤ 32. */
function expandLabel(secret: Uint8Array, label: string, length: number): Buffer {
  const full = Buffer.from('tls13 ' + label, 'latin1');
  // HkdfLabel = length (u16), label (u8 length + bytes), context (u8 length 0); then T(1)'s counter
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0, 1])]);
  return createHmac('sha256', secret).update(info).digest().subarray(0, length);
}

/** The client Initial keys for the Destination Connection ID of the client's first Initial packet. */
export function initialKeys(dcid: Uint8Array): InitialKeys {
  const initialSecret = createHmac('sha256', INITIAL_SALT).update(dcid).digest(); // HKDF-Extract
  const secret = expandLabel(initialSecret, 'client in', 32);
  return {
    secret,
    key: expandLabel(secret, 'quic key', 16),
    iv: expandLabel(secret, 'quic iv', 12),
    hp: expandLabel(secret, 'quic hp', 16),
  };
}

/** A cursor over buf[pos, end); reads give -1 or null past the end. */
class Reader {
  constructor(readonly buf: Uint8Array, public pos: number, readonly end: number) {}

  u8(): number {
    return this.pos < this.end ? this.buf[this.pos++] : -1;
  }

  u32(): number {
    if (this.end - this.pos < 4) return -1;
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  /** A variable-length integer (RFC 9000 §16); exact below 2^53, approximate up to 2^62. */
  varint(): number {
    if (this.pos >= this.end) return -1;
    const n = 1 << (this.buf[this.pos] >> 6);
    if (this.end - this.pos < n) return -1;
    let v = this.buf[this.pos] & 0x3f;
    for (let i = 1; i < n; i++) v = v * 256 + this.buf[this.pos + i];
    this.pos += n;
    return v;
  }

  /** The next n bytes, as a view. */
  bytes(n: number): Uint8Array | null {
    if (n < 0 || n > this.end - this.pos) return null;
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }
}

export interface CryptoFrame {
  offset: number;
  data: Uint8Array;
}

export interface InitialPacket {
  /** As sent (truncated): the full number for a passive reader without earlier packets. */
  packetNumber: number;
  /** The CRYPTO frames, in packet order. */
  crypto: CryptoFrame[];
}

export interface InitialRead {
  /** The Initial packets decrypted, in datagram order. */
  packets: InitialPacket[];
  /** The keys they were decrypted with (those given, or derived here), when any packet was. */
  keys?: InitialKeys;
  /** Why reading stopped, if it stopped at bad input: the packets before it are good. */
  error?: QuicError;
}

/**
 * The client Initial packets of one UDP datagram, decrypted and their frames read. Coalesced
 * 0-RTT and Handshake packets are skipped; reading ends quietly at a short header packet, a Retry,
 * trailing padding, or a packet for another connection ID (RFC 9000 §12.2). `keys` are those of
 * the connection (from the Destination Connection ID of its first client Initial: the client may
 * change the DCID later, the keys stay), once the caller has them from an earlier read; by
 * default, they are derived from this datagram's first DCID. No byte returned is the datagram's:
 * it may be reused. Allocations are bounded by the datagram's size.
 */
export function readInitial(datagram: Uint8Array, keys?: InitialKeys): InitialRead {
  const packets: InitialPacket[] = [];
  const done = (error?: QuicError): InitialRead => (packets.length > 0 ? { packets, keys, error } : { packets, error });
  const fail = (reason: QuicErrorReason, detail: string) => done(new QuicError(reason, detail));
  if (datagram.length === 0) return fail('truncated', 'empty datagram');
  let firstDcid: Uint8Array | undefined;
  let pos = 0;
  while (pos < datagram.length) {
    const start = pos;
    const r = new Reader(datagram, start, datagram.length);
    const first = r.u8();
    if ((first & 0x80) === 0) {
      if (start === 0) return fail('not-long-header', `first byte 0x${hex(first, 2)} has the short header form`);
      break;
    }
    const version = r.u32();
    if (version < 0) return fail('truncated', `datagram ends in the version at byte ${start + 1}`);
    if (version !== 1) return fail('unsupported-version', `version 0x${hex(version, 8)}, only QUIC v1 (0x00000001) is read`);
    if ((first & 0x40) === 0) return fail('bad-header', `fixed bit clear at byte ${start}`);
    const cids: Uint8Array[] = [];
    for (const name of ['destination', 'source']) {
      const n = r.u8();
      if (n > MAX_CID) return fail('bad-header', `${name} connection ID length ${n} > ${MAX_CID}`);
      const cid = r.bytes(n);
      if (!cid) return fail('truncated', `datagram ends in the ${name} connection ID`);
      cids.push(cid);
    }
    const dcid = cids[0];
    if (firstDcid === undefined) firstDcid = dcid;
    else if (Buffer.compare(dcid, firstDcid) !== 0) break;
    const type = (first >> 4) & 3;
    if (type === 3) break; // Retry: no Length, it fills the datagram
    const token = type === 0 ? r.bytes(r.varint()) : EMPTY;
    if (!token) return fail('truncated', 'datagram ends in the token');
    const length = r.varint();
    if (length < 0) return fail('truncated', 'datagram ends in the Length field');
    const pnOffset = r.pos;
    if (length > datagram.length - pnOffset) {
      return fail('truncated', `packet Length ${length} exceeds the ${datagram.length - pnOffset} bytes left in the datagram`);
    }
    const end = pnOffset + length;
    pos = end;
    if (type !== 0) continue; // 0-RTT, Handshake: not readable with Initial keys
    if (length < 4 + SAMPLE) return fail('bad-header', `packet Length ${length} is too short for the header protection sample`);
    keys ??= initialKeys(dcid);
    const opened = open(datagram, start, pnOffset, end, keys);
    if (opened instanceof QuicError) return done(opened);
    const crypto = readFrames(opened.payload);
    if (crypto instanceof QuicError) return done(crypto);
    packets.push({ packetNumber: opened.packetNumber, crypto });
  }
  return done();
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

/** Removes header protection and decrypts the packet datagram[start, end), packet number at pnOffset. */
function open(d: Uint8Array, start: number, pnOffset: number, end: number, keys: InitialKeys): { packetNumber: number; payload: Buffer } | QuicError {
  const ecb = createCipheriv('aes-128-ecb', keys.hp, null).setAutoPadding(false);
  const mask = ecb.update(d.subarray(pnOffset + 4, pnOffset + 4 + SAMPLE));
  const header = Buffer.from(d.subarray(start, pnOffset + 4));
  header[0] ^= mask[0] & 0x0f;
  const pnLen = (header[0] & 3) + 1;
  const pnAt = pnOffset - start;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    header[pnAt + i] ^= mask[1 + i];
    pn = pn * 256 + header[pnAt + i];
  }
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 0xff;
  const gcm = createDecipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(header.subarray(0, pnAt + pnLen));
  gcm.setAuthTag(d.subarray(end - TAG, end));
  let payload: Buffer;
  try {
    payload = gcm.update(d.subarray(pnOffset + pnLen, end - TAG));
    gcm.final();
  } catch {
    return new QuicError('auth-failed', `packet at byte ${start}: AES-GCM tag does not verify`);
  }
  // checked only now: before authentication, the bits are as good as random (RFC 9000 §17.2)
  if (header[0] & 0x0c) return new QuicError('bad-header', `reserved bits set in packet ${pn}`);
  return { packetNumber: pn, payload };
}

/** The CRYPTO frames of a decrypted Initial payload, the others checked and skipped (RFC 9000 §12.4, §19). */
function readFrames(p: Buffer): CryptoFrame[] | QuicError {
  const bad = (detail: string) => new QuicError('bad-frame', detail);
  if (p.length === 0) return bad('a packet without frames');
  const r = new Reader(p, 0, p.length);
  const crypto: CryptoFrame[] = [];
  while (r.pos < r.end) {
    const at = r.pos;
    const type = r.varint();
    switch (type) {
      case 0x00: // PADDING
      case 0x01: // PING
        break;
      case 0x02: // ACK: largest, delay, range count, first range, count × (gap, length), ECN counts
      case 0x03: {
        r.varint();
        r.varint();
        const ranges = r.varint();
        let last = r.varint();
        for (let i = 0; i < ranges && last >= 0; i++) last = Math.min(r.varint(), r.varint());
        if (type === 0x03) last = Math.min(last, r.varint(), r.varint(), r.varint());
        if (last < 0) return bad(`ACK frame at byte ${at} runs past the payload`);
        break;
      }
      case 0x06: { // CRYPTO
        const offset = r.varint();
        const data = r.bytes(r.varint());
        if (offset < 0 || !data) return bad(`CRYPTO frame at byte ${at} runs past the payload`);
        if (offset + data.length > MAX_OFFSET) return bad(`CRYPTO frame at byte ${at} ends beyond 2^62 - 1`);
        crypto.push({ offset, data });
        break;
      }
      case 0x1c: { // CONNECTION_CLOSE (transport), skipped; 0x1d, the application's, is not allowed here
        const errorCode = r.varint();
        const frameType = r.varint();
        const reason = r.bytes(r.varint());
        if (errorCode < 0 || frameType < 0 || !reason) return bad(`CONNECTION_CLOSE frame at byte ${at} runs past the payload`);
        break;
      }
      default:
        return type < 0
          ? bad(`frame type at byte ${at} runs past the payload`)
          : bad(`frame type 0x${type.toString(16)} at byte ${at} is not allowed in an Initial packet`);
    }
  }
  return crypto;
}

/**
 * The client's Initial CRYPTO stream, reassembled by offset from the CRYPTO frames of several
 * packets, in any order, up to its first handshake message: the ClientHello (type 1, 24-bit
 * length). Holds at most `limit` bytes (plus a bit per byte for what has arrived). push() gives
 * null until the ClientHello is complete, then its bytes (type, length and body); an error ends
 * the stream. Either result stays: later pushes return it again.
 */
export class CryptoStream {
  private buf: Uint8Array = EMPTY;
  /** One bit per byte of buf: received. */
  private have: Uint8Array = EMPTY;
  /** Bytes [0, contiguous) have been received. */
  private contiguous = 0;
  /** Where the ClientHello ends, once its header is in; -1 before. */
  private end = -1;
  private result: Uint8Array | QuicError | null = null;

  constructor(readonly limit: number) {}

  push(frame: CryptoFrame): Uint8Array | QuicError | null {
    if (this.result !== null || frame.data.length === 0) return this.result;
    const { offset, data } = frame;
    let last = offset + data.length;
    if (this.end >= 0) last = Math.min(last, this.end); // data after the ClientHello is not kept
    else if (last > this.limit) {
      return this.fail('crypto-overflow', `CRYPTO data up to offset ${last} exceeds the ${this.limit}-byte limit`);
    }
    if (last <= offset) return null;
    this.reserve(last);
    const { buf, have } = this;
    for (let i = offset; i < last; i++) {
      const b = data[i - offset];
      if (have[i >> 3] & (1 << (i & 7))) {
        if (buf[i] !== b) return this.fail('crypto-conflict', `CRYPTO data at offset ${i} differs from what was received before`);
      } else {
        buf[i] = b;
        have[i >> 3] |= 1 << (i & 7);
      }
    }
    while (this.contiguous < buf.length && have[this.contiguous >> 3] & (1 << (this.contiguous & 7))) this.contiguous++;
    if (this.contiguous > 0 && buf[0] !== 1) {
      return this.fail('not-client-hello', `the first handshake message has type ${buf[0]}, not ClientHello (1)`);
    }
    if (this.end < 0 && this.contiguous >= 4) {
      this.end = 4 + ((buf[1] << 16) | (buf[2] << 8) | buf[3]);
      if (this.end > this.limit) return this.fail('crypto-overflow', `a ${this.end}-byte ClientHello exceeds the ${this.limit}-byte limit`);
    }
    if (this.end < 0 || this.contiguous < this.end) return null;
    this.result = buf.slice(0, this.end);
    this.buf = this.have = EMPTY;
    return this.result;
  }

  private fail(reason: QuicErrorReason, detail: string): QuicError {
    this.buf = this.have = EMPTY;
    return (this.result = new QuicError(reason, detail));
  }

  /** Grows the buffer to hold bytes [0, n), n ≤ limit: doubling, so that copies stay linear. */
  private reserve(n: number): void {
    if (n <= this.buf.length) return;
    const size = Math.min(this.limit, Math.max(n, 2 * this.buf.length, 1024));
    const buf = new Uint8Array(size);
    const have = new Uint8Array((size + 7) >> 3);
    buf.set(this.buf);
    have.set(this.have);
    this.buf = buf;
    this.have = have;
  }
}
