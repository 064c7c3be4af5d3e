// DNS messages on the wire (dns-packet): the response to a query, error responses, and UDP size limits with the
// truncation flag (RFC 1035 section 4.2.1, RFC 6891 for EDNS).
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet } from 'dns-packet';
import type { Rcode } from './resolver.js';

export type ResponseCode = Rcode | 'SERVFAIL' | 'FORMERR' | 'NOTIMP';

export interface ResponseContent {
  rcode: ResponseCode;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** Without EDNS a UDP answer holds at most 512 bytes (RFC 1035 section 2.3.4). */
const CLASSIC_UDP_LIMIT = 512;
/** The UDP payload size podlet advertises in its OPT record (DNS flag day 2020's recommendation). */
const ADVERTISED_UDP_SIZE = 1232;
const RCODES: Record<ResponseCode, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};
const QUERY_OPCODE = 0;

export function decodeQuery(message: Buffer): DecodedPacket | undefined {
  try {
    const query = dnsPacket.decode(message);
    return query.type === 'query' ? query : undefined;
  } catch {
    return undefined;
  }
}

function opcodeOf(query: DecodedPacket): number {
  return ((query.flags ?? 0) >> 11) & 0xf;
}

export function isStandardQuery(query: DecodedPacket): boolean {
  return opcodeOf(query) === QUERY_OPCODE;
}

/** The OPT pseudo-record of a query, when the client speaks EDNS. */
function ednsOf(query: DecodedPacket): OptAnswer | undefined {
  return query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
}

/** The most a UDP answer to this query may hold: 512 bytes, or what the client's EDNS record allows. */
export function udpLimit(query: DecodedPacket): number {
  const opt = ednsOf(query);
  return opt ? Math.max(CLASSIC_UDP_LIMIT, opt.udpPayloadSize) : CLASSIC_UDP_LIMIT;
}

/**
 * The encoded response: the query's ID, opcode, RD flag and question, RA set (podlet recurses for its clients),
 * an OPT record when the query had one. Over the limit, additional records go first, then answers from the end,
 * and the TC flag tells the client to ask again over TCP.
 */
export function encodeResponse(query: DecodedPacket, content: ResponseContent, limit?: number): Buffer {
  const opt = ednsOf(query);
  const edns: Answer[] = opt
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: ADVERTISED_UDP_SIZE,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];
  const packet: Packet = {
    type: 'response',
    id: query.id ?? 0,
    flags: responseFlags(query, content, false),
    questions: query.questions ?? [],
    answers: content.answers,
    authorities: content.authorities,
    additionals: [...content.additionals, ...edns],
  };
  const full = dnsPacket.encode(packet);
  if (limit === undefined || full.length <= limit) return full;
  const fitted: Packet = { ...packet, additionals: edns };
  const withoutExtra = dnsPacket.encode(fitted);
  if (withoutExtra.length <= limit) return withoutExtra;
  const answers = [...content.answers];
  fitted.authorities = [];
  fitted.flags = responseFlags(query, content, true);
  for (;;) {
    answers.pop();
    const attempt = dnsPacket.encode({ ...fitted, answers });
    if (attempt.length <= limit || answers.length === 0) return attempt;
  }
}

/** A response carrying only an error code, for queries that cannot be answered. */
export function errorResponse(query: DecodedPacket, rcode: ResponseCode): Buffer {
  return encodeResponse(query, {
    rcode,
    authoritative: false,
    answers: [],
    authorities: [],
    additionals: [],
  });
}

/** FORMERR for a query too broken to decode: its ID, opcode and RD from the raw header, nothing else. */
export function formatErrorFor(message: Buffer): Buffer | undefined {
  // A response sent to the server is dropped: answering it could start a loop between two servers.
  if (message.length < 12 || (message.readUInt16BE(2) & 0x8000) !== 0) return undefined;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(message.readUInt16BE(0), 0);
  const opcodeAndRd = message.readUInt16BE(2) & 0x7900;
  header.writeUInt16BE(0x8000 | opcodeAndRd | 0x0080 | RCODES.FORMERR, 2);
  return header;
}

/** A recursive query for one question, as podlet sends it upstream when it follows an ExternalName's CNAME. */
export function encodeQuery(question: { name: string; type: Answer['type'] }, id: number): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [question as never],
  });
}

export function decodeAnswers(message: Buffer): Answer[] {
  try {
    return dnsPacket.decode(message).answers ?? [];
  } catch {
    return [];
  }
}

function responseFlags(query: DecodedPacket, content: ResponseContent, truncated: boolean): number {
  let flags = (query.flags ?? 0) & 0x7900; // opcode and RD, echoed from the query
  flags |= dnsPacket.RECURSION_AVAILABLE;
  if (content.authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  if (truncated) flags |= dnsPacket.TRUNCATED_RESPONSE;
  return flags | RCODES[content.rcode];
}
