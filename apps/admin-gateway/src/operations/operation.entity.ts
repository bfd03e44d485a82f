import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type OperationKind = 'add-member' | 'remove-member' | 'transfer-leader';
export type OperationStatus = 'running' | 'succeeded' | 'failed';

/** One step of an operation, as it was observed. */
export interface OperationStep {
  readonly phase: string;
  readonly at: string;
  readonly detail?: string;
}

/** A membership or leadership operation requested through the gateway. */
@Entity({ name: 'operations' })
export class OperationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { length: 32 })
  kind!: OperationKind;

  @Column('varchar', { length: 64 })
  target!: string;

  @Column('jsonb', { default: {} })
  params!: Record<string, unknown>;

  @Column('varchar', { length: 16 })
  status!: OperationStatus;

  @Column('varchar', { length: 64 })
  phase!: string;

  @Column('jsonb', { default: [] })
  steps!: OperationStep[];

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('varchar', { length: 128 })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;
}
