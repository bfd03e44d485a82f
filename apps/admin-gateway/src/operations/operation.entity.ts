import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OperationKind, OperationStatus } from './operation-state';

export type { OperationKind, OperationStatus } from './operation-state';

/** One step of an operation, as it was observed, with its timestamp. */
export interface OperationStep {
  readonly phase: string;
  readonly at: string;
  readonly detail?: string;
}

/**
 * A membership or leadership operation requested through the gateway. At most one is
 * `running` at a time (a partial unique index enforces it across gateway instances).
 */
@Entity({ name: 'operations' })
export class OperationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { length: 32 })
  kind!: OperationKind;

  /** The node the operation is about (added, removed, or the new leader). */
  @Column('varchar', { length: 64 })
  target!: string;

  /** add-member: role, peerAddress, httpAddress. */
  @Column('jsonb', { default: {} })
  params!: { role?: 'voter' | 'learner'; peerAddress?: string; httpAddress?: string };

  @Column('varchar', { length: 16 })
  status!: OperationStatus;

  /** The current phase (the last step's). */
  @Column('varchar', { length: 64 })
  phase!: string;

  @Column('jsonb', { default: [] })
  steps!: OperationStep[];

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('varchar', { length: 160 })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;
}
