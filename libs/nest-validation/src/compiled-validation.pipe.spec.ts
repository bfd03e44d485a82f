import 'reflect-metadata';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import fc from 'fast-check';
import { CompiledValidationPipe, VALIDATION_OPTIONS } from './compiled-validation.pipe';
import { compileDtoFastCheck } from './dto-fast-check';

// Fixtures using every rule the fast path compiles, shaped like the services' DTOs.
class IdsDto {
  @IsOptional()
  @IsString({ message: 'clientId must be a string' })
  @Length(1, 128, { message: 'clientId must be 1-128 characters' })
  clientId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  requestId?: string;
}
class PutDto extends IdsDto {
  @IsString({ message: 'value must be a string' })
  value!: string;
}
class CasDto extends IdsDto {
  @ValidateIf((_o, v) => v !== null)
  @IsString({ message: 'expect must be a string or null' })
  expect!: string | null;

  @IsString() value!: string;
}
class IncrDto extends IdsDto {
  @IsInt({ message: 'delta must be an integer' })
  @Min(-1000)
  @Max(1000)
  delta!: number;
}
class QueryDto {
  @IsOptional()
  @IsIn(['linearizable', 'lease', 'serializable'])
  consistency?: string;
}
class MessageDto {
  @IsString() @Length(1, 128) sender!: string;
  @IsString() @Length(1, 64) msgId!: string;
  // A per-rule condition (class-validator's validateIf option), not a property-wide one.
  @IsString({ validateIf: (o: { sender?: unknown }) => o.sender !== 'system' }) body!: string;
}

type Outcome = { readonly ok: true; readonly value: unknown; readonly ctor: unknown } | { readonly ok: false; readonly status: number; readonly body: unknown };

async function outcome(pipe: ValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<Outcome> {
  try {
    const out = await pipe.transform(value, metadata);
    return { ok: true, value: out, ctor: (out as object | null)?.constructor };
  } catch (e) {
    const err = e as { getStatus(): number; getResponse(): unknown };
    return { ok: false, status: err.getStatus(), body: err.getResponse() };
  }
}

// Strings that probe every rule: empty, the 1–128 length bounds, surrogate pairs and the
// variation selectors class-validator's isLength does not count, the consistency names.
const text = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.constantFrom('', 'a', '\uFE0F', '\uD83D\uDE00', 'x'.repeat(128), 'x'.repeat(129), '\uD83D\uDE00'.repeat(64), '\uD83D\uDE00'.repeat(65), 'linearizable', 'lease', 'serializable', 'sometimes'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 }));
// Mostly well-typed fields, so that valid bodies (the fast path) are common, with unknown
// keys mixed in (the whitelist) and a wrong type now and then (the full pipe's errors).
const field = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: anyValue });
const body = fc.record(
  {
    value: field,
    expect: fc.oneof(field, fc.constant(null)),
    delta: fc.oneof(fc.integer({ min: -1500, max: 1500 }), anyValue),
    clientId: field,
    requestId: field,
    consistency: field,
    sender: fc.oneof(field, fc.constant('system')),
    msgId: field,
    body: field,
    extra: anyValue,
    constructor: anyValue,
  },
  { requiredKeys: [] },
);

describe('CompiledValidationPipe', () => {
  const full = new ValidationPipe(VALIDATION_OPTIONS);
  const compiled = new CompiledValidationPipe();
  const dtos = [PutDto, CasDto, IncrDto, IdsDto, QueryDto, MessageDto];

  it.each(dtos.map((dto) => [dto.name, dto] as const))('gives exactly what ValidationPipe gives for any %s body (value, class, or the 400 and its messages)', async (_name, dto) => {
    const check = compileDtoFastCheck(dto);
    expect(check).not.toBeNull();
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, anyValue), async (input) => {
        const metadata: ArgumentMetadata = { type: 'body', metatype: dto, data: undefined };
        if (typeof input === 'object' && input !== null && !Array.isArray(input) && check?.(structuredClone(input)) !== undefined) fast += 1;
        // Each pipe gets its own copy: ValidationPipe deletes prototype keys from its input.
        const expected = await outcome(full, structuredClone(input), metadata);
        const actual = await outcome(compiled, structuredClone(input), metadata);
        expect(actual).toStrictEqual(expected);
      }),
      { numRuns: 400, seed: 20261123 },
    );
    // The comparison means something only if the fast path answered often enough.
    expect(fast).toBeGreaterThan(10);
  });

  it('skips class-validator for valid input and leaves invalid input to it', async () => {
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    const metadata: ArgumentMetadata = { type: 'body', metatype: PutDto, data: undefined };
    const dto = await compiled.transform({ value: 'v', clientId: 'c', junk: 1 }, metadata);
    expect(dto).toBeInstanceOf(PutDto);
    expect(dto).toEqual({ value: 'v', clientId: 'c' });
    expect(dto).not.toHaveProperty('junk');
    expect(spy).not.toHaveBeenCalled();
    await expect(compiled.transform({ value: 42 }, metadata)).rejects.toMatchObject({ response: { message: ['value must be a string'] } });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('passes route parameters and built-in types through the full pipe unchanged', async () => {
    expect(await compiled.transform('k1', { type: 'param', metatype: String, data: 'key' })).toBe('k1');
  });

  it('does not compile classes whose behaviour it would not reproduce (class-transformer decorators, nested validation, field initialisers)', () => {
    class Inner {
      @IsString() name!: string;
    }
    class Nested {
      @ValidateNested()
      @Type(() => Inner)
      inner!: Inner;
    }
    class Initialised {
      @IsString() name!: string;
      unchecked = 'default';
    }
    expect(compileDtoFastCheck(Nested)).toBeNull();
    class Transformed {
      @IsOptional()
      @Transform(({ value }: { value: unknown }) => Number(value))
      @IsInt()
      n?: number;
    }
    expect(compileDtoFastCheck(Transformed)).toBeNull();
    expect(compileDtoFastCheck(Initialised)).toBeNull();
    expect(compileDtoFastCheck(Inner)).not.toBeNull();
  });
});
