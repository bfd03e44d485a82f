import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { AuditEntity } from './audit.entity';

/** Appends to the audit log; rows are never changed (the table's trigger refuses UPDATE and DELETE). */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntity) private readonly repo: Repository<AuditEntity>) {}

  /** Appends one entry; pass `manager` to write it in the caller's transaction. */
  async record(actor: string, action: string, target: string, outcome: string, detail: Record<string, unknown> = {}, manager?: EntityManager): Promise<AuditEntity> {
    const entry = this.repo.create({ actor, action, target, outcome, detail });
    return manager ? manager.save(AuditEntity, entry) : this.repo.save(entry);
  }

  /** Newest first. */
  list(limit = 100, target?: string): Promise<AuditEntity[]> {
    return this.repo.find({ where: target ? { target } : {}, order: { id: 'DESC' }, take: limit });
  }
}
