// Builds protected QUIC v1 client Initial packets by RFC 9001 §5's steps (AES-128-GCM, then header
// protection): the inverse of src/pool/quic.ts, to check it against RFC 9001 Appendix A.2 and to
// make packets for the tests.

import { createCipheriv } from 'node:crypto';
import { initialKeys } from '../../src/pool/quic.js';

/** A QUIC variable-length integer (RFC 9000 §16), in the shortest encoding. */
export function varint(n: number): Buffer {
  if (n < 0x40) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n < 0x40000000) return Buffer.from([0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n) | (3n << 62n));
  return b;
}

export function cryptoFrame(offset: number, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x06]), varint(offset), varint(data.length), data]);
}

/** The frames followed by PADDING up to `size` bytes. */
export function padded(size: number, ...frames: Uint8Array[]): Buffer {
  const p = Buffer.concat(frames);
  return Buffer.concat([p, Buffer.alloc(Math.max(0, size - p.length))]);
}

export interface InitialOptions {
  dcid: Uint8Array;
  scid?: Uint8Array;
  token?: Uint8Array;
  pn: number;
  /** Packet number length, 1-4 bytes (default 4, as in RFC 9001 A.2). */
  pnLen?: number;
  /** The long packet type: 0 Initial (default), 1 0-RTT, 2 Handshake. */
  type?: number;
  version?: number;
}

/** The unprotected long header for a payload of `payloadLength` bytes, ending with the packet number. */
export function initialHeader(o: InitialOptions, payloadLength: number): Buffer {
  const pnLen = o.pnLen ?? 4;
  const scid = o.scid ?? Buffer.alloc(0);
  const type = o.type ?? 0;
  const version = Buffer.alloc(4);
  version.writeUInt32BE(o.version ?? 1);
  const length = pnLen + payloadLength + 16;
  const pn = Buffer.alloc(4);
  pn.writeUInt32BE(o.pn);
  return Buffer.concat([
    Buffer.from([0xc0 | (type << 4) | (pnLen - 1)]),
    version,
    Buffer.from([o.dcid.length]), o.dcid,
    Buffer.from([scid.length]), scid,
    type === 0 ? Buffer.concat([varint(o.token?.length ?? 0), o.token ?? Buffer.alloc(0)]) : Buffer.alloc(0),
    length < 0x4000 ? varint(length) : Buffer.from([0x80, 0, length >> 8, length & 0xff]),
    pn.subarray(4 - pnLen),
  ]);
}

/**
 * Protects a packet with the client Initial keys of `keyDcid`: `header` is the unprotected header
 * ending with the packet number (its length in the low bits of the first byte), `payload` the frames.
 */
export function protect(header: Uint8Array, payload: Uint8Array, keyDcid: Uint8Array): Buffer {
  const keys = initialKeys(keyDcid);
  const pnLen = (header[0] & 3) + 1;
  const pnOffset = header.length - pnLen;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) pn = pn * 256 + header[pnOffset + i];
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 0xff;
  const gcm = createCipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(header);
  const sealed = Buffer.concat([gcm.update(payload), gcm.final(), gcm.getAuthTag()]);
  const packet = Buffer.concat([header, sealed]);
  const mask = createCipheriv('aes-128-ecb', keys.hp, null).setAutoPadding(false).update(packet.subarray(pnOffset + 4, pnOffset + 20));
  packet[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < pnLen; i++) packet[pnOffset + i] ^= mask[1 + i];
  return packet;
}

/** A protected Initial (or other long header) packet carrying `payload`, keyed by its own DCID unless given. */
export function initialPacket(o: InitialOptions, payload: Uint8Array, keyDcid = o.dcid): Buffer {
  return protect(initialHeader(o, payload.length), payload, keyDcid);
}
