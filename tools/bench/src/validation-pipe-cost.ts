// Per-request cost of validating a small JSON body into a DTO: Nest's ValidationPipe
// (class-transformer + class-validator) against @raft/nest-validation's CompiledValidationPipe,
// interleaved rounds in one process, warm. The DTO has the rules of raft-node's PutDto.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/validation-pipe-cost.ts [--calls 50000] [--rounds 7]
import 'reflect-metadata';
import { type ArgumentMetadata, type PipeTransform, ValidationPipe } from '@nestjs/common';
import { CompiledValidationPipe, VALIDATION_OPTIONS } from '@raft/nest-validation';
import { IsOptional, IsString, Length } from 'class-validator';
import { argValue } from './cli-arg';

class PutLikeDto {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  clientId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  requestId?: string;

  @IsString() value!: string;
}

const metadata: ArgumentMetadata = { type: 'body', metatype: PutLikeDto, data: undefined };
const value = 'x'.repeat(256);

/** Mean µs per transform over `calls` sequential requests. */
async function measure(pipe: PipeTransform, calls: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await pipe.transform({ value, clientId: 'anon-1', requestId: String(i) }, metadata);
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

async function main(): Promise<void> {
  const calls = Number(argValue('calls', '50000'));
  const rounds = Number(argValue('rounds', '7'));
  const pipes: [string, PipeTransform][] = [
    ['ValidationPipe', new ValidationPipe(VALIDATION_OPTIONS)],
    ['CompiledValidationPipe', new CompiledValidationPipe()],
  ];
  for (const [, pipe] of pipes) await measure(pipe, calls); // warm-up
  const results = new Map<string, number[]>(pipes.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, pipe] of r % 2 === 0 ? pipes : [...pipes].reverse()) results.get(name)!.push(await measure(pipe, calls));
  }
  console.log(`${calls} valid PutDto-shaped bodies per round, ${rounds} rounds (order alternating), Node ${process.version}`);
  for (const [name, us] of results) {
    const sorted = [...us].sort((a, b) => a - b);
    console.log(`${name.padEnd(24)} median ${sorted[sorted.length >> 1]!.toFixed(2)} µs per request (fastest ${sorted[0]!.toFixed(2)}, slowest ${sorted[sorted.length - 1]!.toFixed(2)})`);
  }
}

void main();
