// Capture files as a stream of slabs. openCaptureFile sniffs the magic and pairs the file with its
// format parser (pcap-reader.ts, pcapng-reader.ts); FileSource does the I/O for both: it reads the
// file straight into a slab's data region, lets the parser index the frames in place, and carries
// the bytes of a record cut by the end of the region over to the next slab. Memory stays constant
// whatever the file size: the slab, plus a carry buffer of CARRY_BYTES (for a pipe, up to one data
// region). A longer tail, left when the index fills first, is re-read from a regular file instead.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CaptureError, type CaptureErrorCode } from './errors.js';
import { PcapReader, isPcapMagic } from './pcap-reader.js';
import { PCAPNG_MAGIC, PcapngReader } from './pcapng-reader.js';
import { HEADER_BYTES, Hdr, RECORD_WORDS, Rec, type Slab } from './slab.js';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureSource {
  readonly format: CaptureFormat;
  /** File size in bytes (0 when the file is a pipe). */
  readonly bytesTotal: number;
  /** File bytes fully processed so far, for a progress bar. */
  readonly bytesConsumed: number;
  /** Frames delivered so far. */
  readonly frames: number;
  /**
   * Fills the slab with the next frames (until its data region or its index is full) and returns
   * how many; 0 means end of file. Sets the slab header: RECORDS, DATA_BYTES. A fault
   * found after some good frames is thrown (CaptureError) by the next call, once they are
   * delivered, and by every call after it.
   */
  fill(slab: Slab): number;
  close(): void;
}

/** A format parser: indexes the records it finds in the bytes the source has loaded. */
export interface RecordParser {
  readonly format: CaptureFormat;
  /**
   * Walks whole records in cursor.data[cursor.pos, cursor.end), indexing each frame with
   * cursor.record() until the slab's index is full, and leaves cursor.pos after the last record
   * it processed. A record cut by `end` stays for the next call, unless `eof` says no more bytes
   * follow: then it is a truncation. Faults go in cursor.error, through cursor.fail(), with pos
   * at the faulty record. A record the parser does not need may be skipped past `end` with
   * cursor.skip.
   */
  walk(cursor: SlabCursor): void;
}

/** Smallest slab data region fill() accepts (RangeError below): room for any file header. */
export const MIN_DATA_CAPACITY = 64;

const INDEX_WORD = HEADER_BYTES / 4;
/** Carry buffer size: tails up to this are copied out; longer ones re-read (regular files). */
const CARRY_BYTES = 64 << 10;

/** The slab being filled and the parse position in its data region, shared with the parser. */
export class SlabCursor {
  data: Uint8Array = new Uint8Array(0);
  /** Over the data region; parsers read header words through it. */
  view: DataView = new DataView(new ArrayBuffer(0));
  words: Uint32Array = new Uint32Array(0);
  maxRecords = 0;
  /** File offset of data[0]. */
  base = 0;
  pos = 0;
  /** Bytes loaded in the data region. */
  end = 0;
  /** True when no byte of the file follows data[end - 1]. */
  eof = false;
  records = 0;
  /** File bytes after `end` the parser wants discarded (then pos === end). */
  skip = 0;
  error: CaptureError | null = null;

  /** Appends one index entry; the frame is `caplen` bytes at data[offset]. */
  record(offset: number, caplen: number, wirelen: number, link: number, tsHi: number, tsLo: number): void {
    const words = this.words;
    const w = INDEX_WORD + this.records * RECORD_WORDS;
    words[w + Rec.OFFSET] = offset;
    words[w + Rec.CAPLEN] = caplen;
    words[w + Rec.WIRELEN] = wirelen;
    words[w + Rec.LINK] = link;
    words[w + Rec.TS_HI] = tsHi;
    words[w + Rec.TS_LO] = tsLo;
    this.records++;
  }

  /** Records a fault at file offset `at`: "<what> at byte <at>: <why>". */
  fail(code: CaptureErrorCode, at: number, what: string, why: string): void {
    this.error = new CaptureError(code, at, `${what} at byte ${at}: ${why}`);
  }
}

class FileSource implements CaptureSource {
  readonly format: CaptureFormat;
  readonly bytesTotal: number;
  private fd: number;
  /** A regular file: read at explicit offsets, so a long tail can be re-read rather than copied. */
  private readonly seekable: boolean;
  private readonly parser: RecordParser;
  private readonly cursor = new SlabCursor();
  /** File offset of the next byte to read. */
  private readPos: number;
  private eof = false;
  private skip = 0;
  /** Bytes read but not yet processed, kept here between fills: the slab belongs to others then. */
  private carry = new Uint8Array(CARRY_BYTES);
  private carryLen = 0;
  private consumed = 0;
  private delivered = 0;
  private failure: CaptureError | null = null;

  /** `head` holds the first bytes of the file, already read from fd (the sniffed magic). */
  constructor(fd: number, seekable: boolean, bytesTotal: number, parser: RecordParser, head: Uint8Array) {
    this.fd = fd;
    this.seekable = seekable;
    this.bytesTotal = bytesTotal;
    this.parser = parser;
    this.format = parser.format;
    this.carry.set(head);
    this.carryLen = head.length;
    this.readPos = head.length;
  }

  get bytesConsumed(): number { return this.consumed; }
  get frames(): number { return this.delivered; }

  fill(slab: Slab): number {
    if (this.failure) throw this.failure;
    if (this.fd < 0) throw new Error('capture source is closed');
    if (slab.dataCapacity < MIN_DATA_CAPACITY || slab.maxRecords < 1) {
      throw new RangeError(`slab too small to fill: ${slab.dataCapacity} data bytes, ${slab.maxRecords} records`);
    }
    const c = this.cursor;
    c.data = slab.data;
    c.view = new DataView(slab.sab, slab.dataOffset, slab.dataCapacity);
    c.words = slab.words;
    c.maxRecords = slab.maxRecords;
    c.records = 0;
    // Blocks that hold no frame (interfaces, statistics, skipped blocks) can fill a whole region:
    // keep going until a frame, a fault or the end of the file.
    do {
      this.load(slab.data);
      this.parser.walk(c);
      this.keepTail();
    } while (c.records === 0 && !c.error && !(this.eof && this.carryLen === 0 && this.skip === 0));
    const words = slab.words;
    words[Hdr.RECORDS] = c.records;
    words[Hdr.DATA_BYTES] = c.pos;
    this.delivered += c.records;
    if (c.error) {
      this.failure = c.error;
      if (c.records === 0) throw c.error;
    }
    return c.records;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Discards what the parser skipped, puts the carried bytes at data[0], reads until full. */
  private load(data: Uint8Array): void {
    const fd = this.fd;
    const cap = data.length;
    while (this.skip > 0 && !this.eof) {
      const n = readSync(fd, data, 0, Math.min(this.skip, cap), this.seekable ? this.readPos : null);
      if (n === 0) this.eof = true;
      this.skip -= n;
      this.readPos += n;
    }
    this.skip = 0;
    let end = this.carryLen;
    if (end > 0) data.set(this.carry.subarray(0, end));
    this.carryLen = 0;
    while (end < cap && !this.eof) {
      const n = readSync(fd, data, end, cap - end, this.seekable ? this.readPos : null);
      if (n === 0) this.eof = true;
      end += n;
      this.readPos += n;
    }
    const c = this.cursor;
    c.base = this.readPos - end;
    c.pos = 0;
    c.end = end;
    c.eof = this.eof;
    c.skip = 0;
  }

  /** Keeps the unprocessed tail for the next fill (copied out of the slab, or re-read) and the skip. */
  private keepTail(): void {
    const c = this.cursor;
    let tail = c.error ? 0 : c.end - c.pos;
    if (tail > this.carry.length) {
      if (this.seekable) {
        this.readPos -= tail;
        this.eof = false;
        tail = 0;
      } else {
        this.carry = new Uint8Array(Math.min(c.data.length, Math.max(tail, this.carry.length * 2)));
      }
    }
    if (tail > 0) this.carry.set(c.data.subarray(c.pos, c.end));
    this.carryLen = tail;
    this.skip = c.skip;
    this.consumed = c.base + c.pos;
  }
}

/**
 * Opens a pcap or pcapng file (chosen by its magic) for streaming into slabs.
 * Throws CaptureError E_CAPTURE_FORMAT for an empty file or one that is neither.
 */
export function openCaptureFile(path: string): CaptureSource {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    const head = new Uint8Array(4);
    let n = 0;
    for (let r = -1; n < 4 && r !== 0; n += r) r = readSync(fd, head, n, 4 - n, null);
    if (n === 0) throw new CaptureError('E_CAPTURE_FORMAT', 0, `not a capture file: ${path} is empty`);
    if (n < 4) {
      throw new CaptureError('E_CAPTURE_FORMAT', 0, `not a capture file: ${path} is only ${n} bytes, too short for a magic number`);
    }
    const magic = new DataView(head.buffer).getUint32(0, false);
    let parser: RecordParser;
    if (isPcapMagic(magic)) parser = new PcapReader(magic);
    else if (magic === PCAPNG_MAGIC) parser = new PcapngReader();
    else {
      throw new CaptureError('E_CAPTURE_FORMAT', 0,
        `not a capture file: ${path} starts with 0x${magic.toString(16).padStart(8, '0')}, which is neither a pcap magic ` +
        '(a1b2c3d4, a1b23c4d, either byte order) nor a pcapng section header (0a0d0d0a)');
    }
    return new FileSource(fd, stat.isFile(), stat.size, parser, head);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
