// Errors of the capture-file readers: one class, a stable code per kind of fault, and the byte
// offset in the file of the record or block at fault (the file header is at 0).
//
//   E_CAPTURE_FORMAT     not a capture file: unknown magic, empty file, unsupported version
//   E_CAPTURE_TRUNCATED  the file ends inside a header, record or block
//   E_CAPTURE_CORRUPT    a length or field that cannot be right (or a record too big for the slab)

export type CaptureErrorCode = 'E_CAPTURE_FORMAT' | 'E_CAPTURE_TRUNCATED' | 'E_CAPTURE_CORRUPT';

export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  /** Byte offset in the file where the faulty header, record or block starts. */
  readonly offset: number;

  constructor(code: CaptureErrorCode, offset: number, message: string) {
    super(message);
    this.name = 'CaptureError';
    this.code = code;
    this.offset = offset;
  }
}
