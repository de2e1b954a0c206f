/** Structured logs: JSON lines (pino) for machines, pretty-printed when a person watches a terminal. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level: string; pretty: boolean; name?: string }): Logger {
  const base = { level: options.level, name: options.name ?? 'toychain' };
  if (!options.pretty) return pino(base);
  return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } });
}
