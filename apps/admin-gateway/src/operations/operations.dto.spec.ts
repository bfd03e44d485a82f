import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AddMemberDto, defaultHttpAddress, isHostPort, NodeIdParam, TransferLeaderDto } from './operations.dto';

function errors<T extends object>(cls: new () => T, plain: object): string[] {
  return validateSync(plainToInstance(cls, plain), { whitelist: true, forbidUnknownValues: true }).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('DTO validation', () => {
  it('accepts a valid addition, with or without httpAddress', () => {
    expect(errors(AddMemberDto, { id: 'n4', address: '127.0.0.1:7104', role: 'voter' })).toEqual([]);
    expect(errors(AddMemberDto, { id: 'node_4-b', address: 'db-4.internal.example:7104', httpAddress: 'db-4.internal.example:8004', role: 'learner' })).toEqual([]);
  });

  it('rejects bad ids, addresses, ports and roles with one message each', () => {
    expect(errors(AddMemberDto, { id: 'n 4', address: '127.0.0.1:7104', role: 'voter' })).toEqual(['id must be 1-64 letters, digits, _ or -']);
    expect(errors(AddMemberDto, { id: 7, address: '127.0.0.1:7104', role: 'voter' })).toEqual(expect.arrayContaining(['id must be a node id']));
    expect(errors(AddMemberDto, { id: 'n4', address: '127.0.0.1', role: 'voter' })).toEqual(['address must be host:port with a port in [1, 65535]']);
    expect(errors(AddMemberDto, { id: 'n4', address: '127.0.0.1:0', role: 'voter' })).toEqual(['address must be host:port with a port in [1, 65535]']);
    expect(errors(AddMemberDto, { id: 'n4', address: '127.0.0.1:65536', role: 'voter' })).toEqual(['address must be host:port with a port in [1, 65535]']);
    expect(errors(AddMemberDto, { id: 'n4', address: 'http://x:1', role: 'voter' })).toEqual(['address must be host:port with a port in [1, 65535]']);
    expect(errors(AddMemberDto, { id: 'n4', address: '127.0.0.1:7104', httpAddress: 'x:', role: 'voter' })).toEqual(['httpAddress must be host:port with a port in [1, 65535]']);
    expect(errors(AddMemberDto, { id: 'n4', address: '127.0.0.1:7104', role: 'observer' })).toEqual(['role must be voter or learner']);
    expect(errors(AddMemberDto, {})).toEqual(expect.arrayContaining(['address must be host:port with a port in [1, 65535]', 'role must be voter or learner']));
    expect(errors(TransferLeaderDto, { to: '' })).toEqual(['to must be a node id']);
    expect(errors(TransferLeaderDto, { to: 'n2' })).toEqual([]);
    expect(errors(NodeIdParam, { id: '../n2' })).toEqual(['id must be 1-64 letters, digits, _ or -']);
  });

  it('host:port and the default HTTP address (peer port − 100, the cluster CLI scheme)', () => {
    expect(isHostPort('localhost:1')).toBe(true);
    expect(isHostPort('a..b:80')).toBe(false);
    expect(isHostPort(8080)).toBe(false);
    expect(defaultHttpAddress('127.0.0.1:7104')).toBe('127.0.0.1:7004');
    expect(defaultHttpAddress('node-4.local:20204')).toBe('node-4.local:20104');
  });
});
