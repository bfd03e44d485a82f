import type { TransportLogger } from '../../src';

/** One captured log call. */
export interface LogRecord {
  readonly level: 'info' | 'warn' | 'error';
  readonly context: Record<string, unknown>;
  readonly message: string;
}

/** A logger that remembers every call, for asserting on logged reasons. */
export class RecordingLogger implements TransportLogger {
  readonly records: LogRecord[] = [];

  info(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: 'info', context, message });
  }

  warn(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: 'warn', context, message });
  }

  error(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: 'error', context, message });
  }

  /** Warnings carrying the given error code. */
  warningsWithCode(code: string): LogRecord[] {
    return this.records.filter((r) => r.level === 'warn' && r.context['code'] === code);
  }
}
