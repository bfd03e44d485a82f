import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One process the CLI manages. */
export interface ProcessRecord {
  readonly id: string;
  pid: number | null;
  state: 'running' | 'paused' | 'killed' | 'stopped';
  readonly httpPort: number;
  readonly peerPort?: number;
  readonly dataDir?: string;
  readonly logFile: string;
  /** Environment the process was started with, so `restart` can start it again identically. */
  readonly env: Record<string, string>;
  readonly command: readonly string[];
}

/** `DIR/cluster.json`: what `up` started, for the other subcommands and for scripts. */
export interface ClusterFile {
  readonly clusterId: string;
  readonly basePort: number;
  readonly dataDir: string;
  readonly supervisorPid: number;
  readonly nodes: Record<string, ProcessRecord>;
  readonly services: Record<string, ProcessRecord>;
}

export function clusterFilePath(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

export function readClusterFile(dataDir: string): ClusterFile {
  const path = clusterFilePath(dataDir);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClusterFile;
  } catch (e) {
    throw new Error(`no running cluster found at ${path} (start one with: npm run cluster -- up --data-dir ${dataDir}): ${(e as Error).message}`);
  }
}

/** Atomic replace, so a concurrent reader never sees a half-written file. */
export function writeClusterFile(file: ClusterFile): void {
  mkdirSync(file.dataDir, { recursive: true });
  const path = clusterFilePath(file.dataDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2));
  renameSync(`${path}.tmp`, path);
}
