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
    return withHeader(frame.streamId & ID_MASK, frame.fin ? FLAG_FIN : 0, frame.data);
  }
  const [flags, payload] = controlPayload(frame);
  return withHeader((0x8000 | SPDY_VERSION) * 0x10000 + CONTROL_TYPES[frame.type], flags, payload);
}

function withHeader(firstWord: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD)
    throw new RangeError(`SPDY frame payload of ${payload.length} bytes`);
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt32BE(firstWord >>> 0, 0);
  header.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
  return Buffer.concat([header, payload]);
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

/** Splits a byte stream into frames; unknown control frame types are skipped, as the spec asks. */
export class FrameParser {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    while (this.buffered.length >= HEADER_LENGTH) {
      const length = this.buffered.readUInt32BE(4) & 0xffffff;
      if (this.buffered.length < HEADER_LENGTH + length) break;
      const frame = decodeFrame(this.buffered.subarray(0, HEADER_LENGTH + length));
      this.buffered = this.buffered.subarray(HEADER_LENGTH + length);
      if (frame !== undefined) frames.push(frame);
    }
    return frames;
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
