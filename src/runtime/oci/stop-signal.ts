// The signal that stops a container: the image's STOPSIGNAL, else SIGTERM (containerd internal/cri/server
// container_stop.go, parsed with moby/sys/signal ParseSignal: a number, or a name with or without SIG, any case).
import type { ImageConfig } from '../../image/types.js';

const DEFAULT_STOP_SIGNAL = 'SIGTERM';

/** Linux signal numbers 1-31 (asm-generic/signal.h) and the aliases ParseSignal also accepts. */
const NUMBERS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};
/** glibc keeps 32 and 33 for itself, so SIGRTMIN is 34 as moby's table has it. */
const RTMIN = 34;
const RTMAX = 64;

/**
 * The image's stop signal as `runc kill` takes it: `SIGxxx` for 1-31, the number for real-time signals. A value
 * ParseSignal would reject falls back to SIGTERM rather than leaving the container unstoppable.
 */
export function stopSignal(config: ImageConfig): string {
  const raw = (config.StopSignal ?? '').trim();
  const number = signalNumber(raw);
  if (number === undefined || number < 1 || number > RTMAX) return DEFAULT_STOP_SIGNAL;
  if (number >= 32) return String(number);
  return `SIG${Object.keys(NUMBERS).find((name) => NUMBERS[name] === number)}`;
}

function signalNumber(raw: string): number | undefined {
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  const name = raw.toUpperCase().replace(/^SIG/, '');
  if (name in NUMBERS) return NUMBERS[name];
  if (name === 'RTMIN') return RTMIN;
  if (name === 'RTMAX') return RTMAX;
  const rt = /^RT(MIN\+|MAX-)([0-9]+)$/.exec(name);
  if (!rt?.[2]) return undefined;
  const offset = Number(rt[2]);
  // moby lists RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX-1.
  if (rt[1] === 'MIN+') return offset >= 1 && offset <= 15 ? RTMIN + offset : undefined;
  return offset >= 1 && offset <= 14 ? RTMAX - offset : undefined;
}
