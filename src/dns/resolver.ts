// The answer cluster DNS gives one question, from a snapshot of the cluster: pure, no I/O. The record shapes follow
// the Kubernetes DNS specification (kubernetes/dns docs/specification.md) as CoreDNS's kubernetes plugin serves
// it (plugin/kubernetes/handler.go ServeDNS, plugin/backend_lookup.go A/SRV/PTR/SOA).
import type { Answer, Question } from 'dns-packet';
import { addressFromReverse, ipFamily, isReverseName } from './addresses.js';
import { lookupClusterName, namesForAddress, type LookupTarget } from './cluster-lookup.js';
import type { ClusterView } from './cluster-view.js';
import { normalizeName, parseClusterName, relativeToZone } from './query-name.js';

export interface ResolverContext {
  /** The cluster domain, lower case, without trailing dot (`cluster.local`). */
  zone: string;
  view: ClusterView;
  /** The DNS server's own addresses: `ns.dns.<zone>` and the zone's NS glue. */
  nameserverIps: readonly string[];
  /** The SOA serial: when the cluster objects last changed, in Unix seconds (CoreDNS Serial). */
  serial: number;
}

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface ZoneAnswer {
  kind: 'answer';
  rcode: Rcode;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** An ExternalName's CNAME: its target, to be resolved and appended like a recursor does. */
  chase?: Question;
}

/** Names outside the zone, and reverse names the cluster does not know, go to the host's resolvers. */
export type Resolution = ZoneAnswer | { kind: 'forward' };

/** The TTL of every record of the zone (CoreDNS kubernetes defaultTTL). */
const RECORD_TTL = 5;
/** The schema version TXT record `dns-version.<zone>` (specification section 2.2) and its TTL. */
const SCHEMA_VERSION = '1.1.0';
const SCHEMA_VERSION_TTL = 28800;

export function resolveQuestion(question: Question, ctx: ResolverContext): Resolution {
  const name = normalizeName(question.name);
  if (isReverseName(name)) return resolveReverse(question, name, ctx);
  const relative = relativeToZone(name, ctx.zone);
  if (relative === undefined) return { kind: 'forward' };
  switch (question.type) {
    case 'AXFR':
    case 'IXFR':
      return { ...answer([]), rcode: 'REFUSED' };
    case 'SOA':
      if (relative === '') return answer([soaRecord(ctx)]);
      break;
    case 'NS':
      if (relative === '') return nsAnswer(ctx);
      break;
    case 'TXT':
      if (relative === 'dns-version') return answer([txtRecord(question.name)]);
      break;
  }
  if (relative === 'ns.dns') return nameserverAddress(question, ctx);
  const request = parseClusterName(relative);
  const targets = request ? lookupClusterName(ctx.view, request, ctx.zone) : undefined;
  if (targets === undefined) return negative('NXDOMAIN', ctx);
  const result = recordsFor(question, targets);
  if (result.answers.length === 0) return negative('NOERROR', ctx);
  return { ...answer(result.answers), additionals: result.additionals, ...chaseOf(question, targets) };
}

function recordsFor(
  question: Question,
  targets: LookupTarget[],
): { answers: Answer[]; additionals: Answer[] } {
  switch (question.type) {
    case 'A':
    case 'AAAA':
      return { answers: addressRecords(question, targets), additionals: [] };
    case 'CNAME':
      return { answers: cnameRecords(question.name, targets), additionals: [] };
    case 'SRV':
      return srvRecords(question.name, targets);
    default:
      return { answers: [], additionals: [] };
  }
}

/** A/AAAA for the addresses of the family asked, once each; an ExternalName answers with its CNAME. */
function addressRecords(question: Question, targets: LookupTarget[]): Answer[] {
  const cname = cnameRecords(question.name, targets);
  if (cname.length > 0) return cname;
  const family = question.type === 'A' ? 4 : 6;
  const seen = new Set<string>();
  const out: Answer[] = [];
  for (const t of targets) {
    if (ipFamily(t.host) !== family || seen.has(t.host)) continue;
    seen.add(t.host);
    out.push(address(question.name, t.host));
  }
  return out;
}

function cnameRecords(name: string, targets: LookupTarget[]): Answer[] {
  const external = targets.find((t) => ipFamily(t.host) === 0);
  return external ? [{ type: 'CNAME', name, ttl: RECORD_TTL, data: external.host }] : [];
}

/**
 * One SRV per (target name, port), priority 0 and the weight share CoreDNS gives (100 / records, at least 1),
 * with the targets' addresses as additional records. ExternalName Services and port-less endpoints have none.
 */
function srvRecords(name: string, targets: LookupTarget[]): { answers: Answer[]; additionals: Answer[] } {
  const weight = Math.max(1, Math.floor(100 / targets.length));
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const seenSrv = new Set<string>();
  const seenAddress = new Set<string>();
  for (const t of targets) {
    if (t.port === -1 || ipFamily(t.host) === 0) continue;
    const srvKey = `${t.name}/${t.port}`;
    if (!seenSrv.has(srvKey)) {
      seenSrv.add(srvKey);
      answers.push({
        type: 'SRV',
        name,
        ttl: RECORD_TTL,
        data: { priority: 0, weight, port: t.port, target: t.name },
      });
    }
    const addressKey = `${t.name}/${t.host}`;
    if (!seenAddress.has(addressKey)) {
      seenAddress.add(addressKey);
      additionals.push(address(t.name, t.host));
    }
  }
  return { answers, additionals };
}

/** PTR for cluster IPs and endpoint addresses; everything else in the reverse zones falls through upstream. */
function resolveReverse(question: Question, name: string, ctx: ResolverContext): Resolution {
  if (question.type !== 'PTR') return { kind: 'forward' };
  const ip = addressFromReverse(name);
  const names = ip === undefined ? [] : namesForAddress(ctx.view, ip, ctx.zone);
  if (names.length === 0) return { kind: 'forward' };
  return answer(names.map((data) => ({ type: 'PTR', name: question.name, ttl: RECORD_TTL, data })));
}

function nsAnswer(ctx: ResolverContext): ZoneAnswer {
  const ns = `ns.dns.${ctx.zone}`;
  return {
    ...answer([{ type: 'NS', name: ctx.zone, ttl: RECORD_TTL, data: ns }]),
    additionals: ctx.nameserverIps.map((ip) => address(ns, ip)),
  };
}

function nameserverAddress(question: Question, ctx: ResolverContext): ZoneAnswer {
  const family = question.type === 'A' ? 4 : question.type === 'AAAA' ? 6 : 0;
  const records = ctx.nameserverIps
    .filter((ip) => ipFamily(ip) === family)
    .map((ip) => address(question.name, ip));
  return records.length > 0 ? answer(records) : negative('NOERROR', ctx);
}

function chaseOf(question: Question, targets: LookupTarget[]): { chase?: Question } {
  if (question.type !== 'A' && question.type !== 'AAAA') return {};
  const external = targets.find((t) => ipFamily(t.host) === 0);
  return external ? { chase: { type: question.type, name: external.host } } : {};
}

/** NXDOMAIN, or NODATA (NOERROR without answers): the zone's SOA in the authority section either way. */
function negative(rcode: 'NOERROR' | 'NXDOMAIN', ctx: ResolverContext): ZoneAnswer {
  return { ...answer([]), rcode, authorities: [soaRecord(ctx)] };
}

function answer(answers: Answer[]): ZoneAnswer {
  return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals: [] };
}

function address(name: string, ip: string): Answer {
  return { type: ipFamily(ip) === 6 ? 'AAAA' : 'A', name, ttl: RECORD_TTL, data: ip };
}

function txtRecord(name: string): Answer {
  return { type: 'TXT', name, ttl: SCHEMA_VERSION_TTL, data: SCHEMA_VERSION };
}

/** plugin/backend_lookup.go SOA: `ns.dns.<zone>`, `hostmaster.<zone>`, the record TTL as minimum. */
function soaRecord(ctx: ResolverContext): Answer {
  return {
    type: 'SOA',
    name: ctx.zone,
    ttl: RECORD_TTL,
    data: {
      mname: `ns.dns.${ctx.zone}`,
      rname: `hostmaster.${ctx.zone}`,
      serial: ctx.serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: RECORD_TTL,
    },
  };
}
