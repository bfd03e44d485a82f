import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** bigint columns are read as strings by pg; chat sequence numbers fit in a JS number. */
const bigintNumber = { to: (v: number): number => v, from: (v: string | number | null): number => (v === null ? 0 : Number(v)) };

export type ConversationKind = 'direct' | 'group';
export type FanoutMode = 'write' | 'read';

@Entity({ name: 'conversations' })
export class ConversationEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ type: 'varchar', length: 8 }) kind!: ConversationKind;
  @Column({ type: 'varchar', length: 200, nullable: true }) title!: string | null;
  /** For direct conversations: the two user ids, sorted and joined; unique. */
  @Index({ unique: true, where: 'direct_key IS NOT NULL' })
  @Column({ name: 'direct_key', type: 'varchar', length: 300, nullable: true })
  directKey!: string | null;
  @Column({ name: 'created_by', type: 'varchar', length: 128 }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** Current fan-out mode (write: per-member inboxes; read: merged at read time). */
  @Column({ type: 'varchar', length: 8, default: 'write' }) mode!: FanoutMode;
  /** Messages with seq ≤ switch_seq went to inboxes; later ones (mode read) are merged at read time. */
  @Column({ name: 'switch_seq', type: 'bigint', default: 0, transformer: bigintNumber }) switchSeq!: number;
  /** Last projected sequence number (projection is gapless: 1..last_seq are all present). */
  @Column({ name: 'last_seq', type: 'bigint', default: 0, transformer: bigintNumber }) lastSeq!: number;
  /** Raft revision of the last projected message. */
  @Column({ name: 'last_revision', type: 'bigint', default: 0, transformer: bigintNumber }) lastRevision!: number;
  /** Write-fan-out progress: messages up to here are in every member's inbox. */
  @Column({ name: 'fanned_out_seq', type: 'bigint', default: 0, transformer: bigintNumber }) fannedOutSeq!: number;
  @Column({ name: 'member_count', type: 'int', default: 0 }) memberCount!: number;
}

@Entity({ name: 'members' })
@Index('members_by_user', ['userId'])
export class MemberEntity {
  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 32 }) conversationId!: string;
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 128 }) userId!: string;
  /** The conversation's last projected seq when this user joined: they see seq > joined_seq. */
  @Column({ name: 'joined_seq', type: 'bigint', transformer: bigintNumber }) joinedSeq!: number;
  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' }) joinedAt!: Date;
}

@Entity({ name: 'messages' })
export class MessageEntity {
  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 32 }) conversationId!: string;
  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber }) seq!: number;
  @Index({ unique: true })
  @Column({ name: 'msg_id', type: 'varchar', length: 32 })
  msgId!: string;
  @Column({ type: 'varchar', length: 128 }) sender!: string;
  @Column({ name: 'client_msg_id', type: 'varchar', length: 128 }) clientMsgId!: string;
  @Column({ type: 'text' }) body!: string;
  /** Commit timestamp (ms since the epoch, stamped by the raft leader). */
  @Column({ type: 'bigint', transformer: bigintNumber }) ts!: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) revision!: number;
  /** Delivered through member inboxes (write fan-out) rather than merged at read time. */
  @Column({ name: 'via_inbox', type: 'boolean' }) viaInbox!: boolean;
}

@Entity({ name: 'read_cursors' })
export class ReadCursorEntity {
  @PrimaryColumn({ name: 'conversation_id', type: 'varchar', length: 32 }) conversationId!: string;
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 128 }) userId!: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) seq!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'projection_state' })
export class ProjectionStateEntity {
  @PrimaryColumn({ type: 'int' }) id!: number;
  /** Every stream change with revision ≤ this has been projected (rows committed in the same transaction). */
  @Column({ type: 'bigint', transformer: bigintNumber }) revision!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export const CHAT_ENTITIES = [ConversationEntity, MemberEntity, MessageEntity, ReadCursorEntity, ProjectionStateEntity];
