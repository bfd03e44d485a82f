import 'reflect-metadata';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { CompiledValidationPipe, compileDtoFastCheck, VALIDATION_OPTIONS } from '@raft/nest-validation';
import { AppendDto } from '../streams/streams.dto';
import { CasDto, ClientIdsDto, IncrDto, PutDto, ReadQueryDto } from './kv.dto';

describe('KV request DTOs under the compiled validation pipe', () => {
  it('every hot-path DTO compiles to the fast path (so valid requests skip class-validator)', () => {
    for (const dto of [PutDto, CasDto, IncrDto, ClientIdsDto, ReadQueryDto, AppendDto]) expect(compileDtoFastCheck(dto)).not.toBeNull();
  });

  it.each([
    [PutDto, { value: 'v', clientId: 'c', requestId: 'r', extra: true }],
    [PutDto, { value: 'v', clientId: '' }],
    [PutDto, { value: 7 }],
    [CasDto, { expect: null, value: 'v' }],
    [CasDto, { expect: 3, value: 'v' }],
    [IncrDto, { delta: -4 }],
    [IncrDto, { delta: 1.5 }],
    [ReadQueryDto, { consistency: 'lease' }],
    [ReadQueryDto, { consistency: 'sometimes' }],
    [AppendDto, { sender: 'u1', clientMsgId: 'm1', msgId: '1', body: 'hi' }],
  ] as const)('%p %j: the same DTO or the same 400 as ValidationPipe', async (dto, body) => {
    const metadata: ArgumentMetadata = { type: 'body', metatype: dto, data: undefined };
    const settle = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (e: { getResponse(): unknown }) => ({ error: e.getResponse() }));
    const expected = await settle(new ValidationPipe(VALIDATION_OPTIONS).transform({ ...body }, metadata));
    expect(await settle(new CompiledValidationPipe().transform({ ...body }, metadata))).toStrictEqual(expected);
  });
});
