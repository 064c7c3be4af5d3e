// SPDY/3.1 framing (SPDY Protocol draft 3.1, section 2.2): an 8-byte header, then the payload. Header blocks stay
// compressed here; header-block.ts turns them into names and values with the session's zlib contexts.

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | {
      type: 'syn_stream';
      streamId: number;
      associatedId: number;
      priority: number;
      slot: number;
      fin: boolean;
      unidirectional: boolean;
      headerBlock: Buffer;
    }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: SettingsEntry[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'window_update'; streamId: number; delta: number };

export interface SettingsEntry {
  id: number;
  flags: number;
  value: number;
}

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

export const SPDY_VERSION = 3;
/** RST_STREAM status codes (section 2.6.3). */
export const RST = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
} as const;
/** GOAWAY status codes (section 2.6.6). */
export const GOAWAY = { ok: 0, protocolError: 1, internalError: 2 } as const;
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;
/** The largest payload the 24-bit length field can carry. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

const FLAG_FIN = 0x01;
const FLAG_UNIDIRECTIONAL = 0x02;
const FLAG_CLEAR_SETTINGS = 0x01;
const HEADER_LENGTH = 8;
const ID_MASK = 0x7fffffff;

const CONTROL_TYPES = {
  syn_stream: 1,
  syn_reply: 2,
  rst_stream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  headers: 8,
  window_update: 9,
} as const;

export function encodeFrame(frame: Frame): Buffer {
  if (frame.type === 'data') {
    return Buffer.concat([encodeDataHeader(frame.streamId, frame.fin, frame.data.length), frame.data]);
  }
  const [flags, payload] = controlPayload(frame);
  const firstWord = (0x8000 | SPDY_VERSION) * 0x10000 + CONTROL_TYPES[frame.type];
  return Buffer.concat([header(firstWord, flags, payload.length), payload]);
}

/** The 8 bytes before a DATA frame's payload: bulk data is written after it as is, never copied into a frame. */
export function encodeDataHeader(streamId: number, fin: boolean, length: number): Buffer {
  return header(streamId & ID_MASK, fin ? FLAG_FIN : 0, length);
}

function header(firstWord: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY frame payload of ${length} bytes`);
  const bytes = Buffer.allocUnsafe(HEADER_LENGTH);
  bytes.writeUInt32BE(firstWord >>> 0, 0);
  bytes.writeUInt32BE(((flags << 24) | length) >>> 0, 4);
  return bytes;
}

function words(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
}

function controlPayload(frame: Exclude<Frame, { type: 'data' }>): [number, Buffer] {
  switch (frame.type) {
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & ID_MASK, 0);
      fixed.writeUInt32BE(frame.associatedId & ID_MASK, 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      fixed.writeUInt8(frame.slot, 9);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return [flags, Buffer.concat([fixed, frame.headerBlock])];
    }
    case 'syn_reply':
    case 'headers':
      return [frame.fin ? FLAG_FIN : 0, Buffer.concat([words(frame.streamId & ID_MASK), frame.headerBlock])];
    case 'rst_stream':
      return [0, words(frame.streamId & ID_MASK, frame.status)];
    case 'settings':
      return [
        frame.clear ? FLAG_CLEAR_SETTINGS : 0,
        words(frame.entries.length, ...frame.entries.flatMap((e) => [(e.flags << 24) | e.id, e.value])),
      ];
    case 'ping':
      return [0, words(frame.id)];
    case 'goaway':
      return [0, words(frame.lastGoodStreamId & ID_MASK, frame.status)];
    case 'window_update':
      return [0, words(frame.streamId & ID_MASK, frame.delta & ID_MASK)];
  }
}

/**
 * Splits a byte stream into frames; unknown control frame types are skipped, as the spec asks. A frame that arrives
 * in pieces is joined once, when its last piece is in, so a large frame costs one copy however it was cut.
 */
export class FrameParser {
  private pieces: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Frame[] {
    if (chunk.length === 0) return [];
    this.pieces.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      const length = this.nextFrameLength();
      if (length === undefined || this.buffered < length) break;
      const frame = decodeFrame(this.take(length));
      if (frame !== undefined) frames.push(frame);
    }
    return frames;
  }

  /** The whole size of the frame that starts the buffer, once its header is in. */
  private nextFrameLength(): number | undefined {
    if (this.buffered < HEADER_LENGTH) return undefined;
    const first = this.pieces[0]!;
    const head = first.length >= HEADER_LENGTH ? first : this.take(HEADER_LENGTH, true);
    return HEADER_LENGTH + (head.readUInt32BE(4) & 0xffffff);
  }

  /** The first `length` buffered bytes, in one Buffer; with `peek` they stay buffered (as one piece). */
  private take(length: number, peek = false): Buffer {
    const first = this.pieces[0]!;
    let bytes: Buffer;
    if (first.length >= length) bytes = first.subarray(0, length);
    else {
      let count = 0;
      for (let have = 0; have < length; count++) have += this.pieces[count]!.length;
      const joined = Buffer.concat(this.pieces.slice(0, count));
      this.pieces.splice(0, count, joined);
      bytes = joined.subarray(0, length);
    }
    if (peek) return bytes;
    const rest = this.pieces[0]!.subarray(length);
    if (rest.length > 0) this.pieces[0] = rest;
    else this.pieces.shift();
    this.buffered -= length;
    return bytes;
  }
}

function decodeFrame(bytes: Buffer): Frame | undefined {
  const first = bytes.readUInt32BE(0);
  const flags = bytes.readUInt8(4);
  const payload = bytes.subarray(HEADER_LENGTH);
  if ((first & 0x80000000) === 0) {
    return { type: 'data', streamId: first & ID_MASK, fin: (flags & FLAG_FIN) !== 0, data: payload };
  }
  const version = (first >>> 16) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  return decodeControl(first & 0xffff, flags, payload);
}

function need(payload: Buffer, bytes: number, type: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${type} frame of ${payload.length} bytes`);
}

function decodeControl(type: number, flags: number, payload: Buffer): Frame | undefined {
  const fin = (flags & FLAG_FIN) !== 0;
  const id = (offset: number) => payload.readUInt32BE(offset) & ID_MASK;
  switch (type) {
    case CONTROL_TYPES.syn_stream:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: id(0),
        associatedId: id(4),
        priority: payload.readUInt8(8) >>> 5,
        slot: payload.readUInt8(9),
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case CONTROL_TYPES.syn_reply:
    case CONTROL_TYPES.headers:
      need(payload, 4, type === CONTROL_TYPES.headers ? 'HEADERS' : 'SYN_REPLY');
      return {
        type: type === CONTROL_TYPES.headers ? 'headers' : 'syn_reply',
        streamId: id(0),
        fin,
        headerBlock: payload.subarray(4),
      };
    case CONTROL_TYPES.rst_stream:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: id(0), status: payload.readUInt32BE(4) };
    case CONTROL_TYPES.settings:
      return decodeSettings(flags, payload);
    case CONTROL_TYPES.ping:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case CONTROL_TYPES.goaway:
      need(payload, 8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: id(0), status: payload.readUInt32BE(4) };
    case CONTROL_TYPES.window_update:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: id(0), delta: id(4) };
    default:
      return undefined;
  }
}

function decodeSettings(flags: number, payload: Buffer): Frame {
  need(payload, 4, 'SETTINGS');
  const count = payload.readUInt32BE(0);
  need(payload, 4 + count * 8, 'SETTINGS');
  const entries: SettingsEntry[] = [];
  for (let i = 0; i < count; i++) {
    const word = payload.readUInt32BE(4 + i * 8);
    entries.push({ flags: word >>> 24, id: word & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
  }
  return { type: 'settings', clear: (flags & FLAG_CLEAR_SETTINGS) !== 0, entries };
}
