import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditEntity } from './audit.entity';

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntity) private readonly repo: Repository<AuditEntity>) {}

  async record(actor: string, action: string, target: string, outcome: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.repo.save(this.repo.create({ actor, action, target, outcome, detail }));
  }

  list(limit = 100): Promise<AuditEntity[]> {
    return this.repo.find({ order: { id: 'DESC' }, take: limit });
  }
}
