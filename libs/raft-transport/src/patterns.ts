/**
 * The Nest event pattern that Raft message batches are dispatched to, so a controller can
 * receive them with `@EventPattern(RAFT_MESSAGES_PATTERN)`.
 */
export const RAFT_MESSAGES_PATTERN = 'raft.messages';

/** Error text answered to a request whose pattern has no `@MessagePattern` handler. */
export const NO_MESSAGE_HANDLER_ERROR = 'There is no matching message handler defined in the remote service.';
