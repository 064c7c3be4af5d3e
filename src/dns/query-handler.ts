// One DNS message in, one out: cluster names answered from the cluster, everything else forwarded upstream.
import { randomInt } from 'node:crypto';
import type { Answer, DecodedPacket, Question } from 'dns-packet';
import type { Logger } from '../util/log.js';
import type { Transport, UpstreamForwarder } from './forwarder.js';
import {
  decodeAnswers,
  decodeQuery,
  encodeQuery,
  encodeResponse,
  errorResponse,
  formatErrorFor,
  isStandardQuery,
  udpLimit,
} from './messages.js';
import { resolveQuestion, type ResolverContext, type ZoneAnswer } from './resolver.js';

export interface QueryHandlerDeps {
  /** The resolver's view of the cluster at the time of the query. */
  context: () => ResolverContext;
  forwarder: UpstreamForwarder;
  logger: Logger;
}

export class QueryHandler {
  constructor(private readonly deps: QueryHandlerDeps) {}

  /** The response to send back, or undefined when the message deserves none (not even a DNS header). */
  async handle(message: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const query = decodeQuery(message);
    if (!query) return formatErrorFor(message);
    if (!isStandardQuery(query)) return errorResponse(query, 'NOTIMP');
    const question = query.questions?.[0];
    if (!question || (query.questions?.length ?? 0) > 1) return errorResponse(query, 'FORMERR');
    const resolution = resolveQuestion(question, this.deps.context());
    if (resolution.kind === 'forward') return this.forward(query, message, transport);
    const answers = [...resolution.answers, ...(await this.chase(resolution))];
    const content = { ...resolution, answers, authoritative: true };
    return encodeResponse(query, content, transport === 'udp' ? udpLimit(query) : undefined);
  }

  private async forward(query: DecodedPacket, message: Buffer, transport: Transport): Promise<Buffer> {
    try {
      return await this.deps.forwarder.forward(message, transport);
    } catch (err) {
      this.deps.logger.warn({ err, name: query.questions?.[0]?.name }, 'cluster DNS: forwarding failed');
      return errorResponse(query, 'SERVFAIL');
    }
  }

  /**
   * An ExternalName's target, resolved as a recursor would so that stub resolvers which do not follow CNAMEs
   * (musl) still get addresses (CoreDNS backend_lookup.go A: the target is looked up upstream and appended).
   */
  private async chase(resolution: ZoneAnswer): Promise<Answer[]> {
    if (!resolution.chase) return [];
    const inner = resolveQuestion(resolution.chase, this.deps.context());
    if (inner.kind === 'answer') return inner.answers;
    return this.lookUpstream(resolution.chase);
  }

  private async lookUpstream(question: Question): Promise<Answer[]> {
    try {
      return decodeAnswers(
        await this.deps.forwarder.forward(encodeQuery(question, randomInt(0, 0x10000)), 'udp'),
      );
    } catch (err) {
      this.deps.logger.warn({ err, name: question.name }, 'cluster DNS: ExternalName target not resolved');
      return [];
    }
  }
}
