import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only audit trail: who did what, when, and how it ended (the table rejects updates). */
@Entity({ name: 'audit_log' })
export class AuditEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column('varchar', { length: 160 })
  actor!: string;

  @Column('varchar', { length: 64 })
  action!: string;

  @Column('varchar', { length: 128 })
  target!: string;

  @Column('varchar', { length: 32 })
  outcome!: string;

  @Column('jsonb', { default: {} })
  detail!: Record<string, unknown>;
}
