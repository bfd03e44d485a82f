import type { Message } from '@raft/raft-core';

/** One-line readable form of a message for traces, e.g. `n1→n2 app t3 prev=4/2 +2 commit=4`. */
export function describeMessage(m: Message): string {
  const head = `${m.from}→${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'vote':
      return `${head}${m.pre ? ' pre' : ''}${m.transfer ? ' transfer' : ''} last=${m.lastLogIndex}/${m.lastLogTerm}`;
    case 'voteResp':
      return `${head}${m.pre ? ' pre' : ''} ${m.granted ? 'granted' : 'rejected'}`;
    case 'app': {
      const range = m.entries.length > 0 ? ` [${m.entries[0]!.index}..${m.entries[m.entries.length - 1]!.index}]` : '';
      return `${head} prev=${m.prevIndex}/${m.prevTerm} +${m.entries.length}${range} commit=${m.commit}`;
    }
    case 'appResp':
      return `${head} ${m.success ? 'ok' : 'reject'} index=${m.index}${m.success ? '' : ` hint=${m.hintIndex}/${m.hintTerm}`}`;
    case 'heartbeat':
      return `${head} commit=${m.commit} seq=${m.seq}`;
    case 'heartbeatResp':
      return `${head} seq=${m.seq}`;
    case 'snap':
      return `${head} snap=${m.meta.index}/${m.meta.term} off=${m.offset} len=${m.data.length}${m.done ? ' done' : ''}`;
    case 'snapResp':
      return `${head} snap=${m.meta.index}/${m.meta.term} next=${m.nextOffset}${m.done ? ' done' : ''}${m.rejected ? ' rejected' : ''}`;
    case 'timeoutNow':
      return head;
    case 'readIndex':
      return `${head} ctx=${m.ctx}`;
    case 'readIndexResp':
      return `${head} ctx=${m.ctx} index=${m.index}`;
    case 'propose':
      return `${head} +${m.entries.length}`;
    case 'removed':
      return `${head} config=${m.configIndex}`;
  }
}
