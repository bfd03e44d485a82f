import { ConflictException } from '@nestjs/common';

/** A command was applied but refused by the state machine (409). */
export class ConflictResultError extends ConflictException {}
