// A reference, not an import: the declaration has no JavaScript behind it, and it has to
// reach every program that compiles this file (the apps compile it from source).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./class-transformer-storage.d.ts" />
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage as transformerMetadata } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';

/**
 * Builds the DTO from a plain object when every rule passes; `undefined` means "not
 * accepted here" (invalid input, or a shape the fast path does not copy), never "invalid".
 */
export type DtoFastCheck = (plain: Record<string, unknown>) => object | undefined;

interface RuleCheck {
  readonly validator: ValidatorConstraintInterface;
  readonly constraints: unknown[];
  readonly validateIf: ((object: object, value: unknown) => boolean) | undefined;
}

interface PropertyCheck {
  readonly name: string;
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  readonly rules: readonly RuleCheck[];
}

// Names that class-transformer and Nest treat specially (prototype pollution guards).
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Precompiles the class-validator rules of `dto` into one function that runs the very
 * same validator functions (`isString`, `isLength`, `isInt`, …) without the machinery
 * around them: per request, class-validator looks up, filters, sorts and groups the
 * class's metadata, builds a `ValidationError` per property, and class-transformer walks
 * the object generically. Returns null — use the full pipe — for any class using a
 * feature the fast path does not reproduce exactly: groups, `each`, nested or async
 * validation, `@IsDefined`/`@Allow`, or any class-transformer decorator.
 */
export function compileDtoFastCheck(dto: new () => object): DtoFastCheck | null {
  if (transformerMetadata.getStrategy(dto) !== 'none' || transformerMetadata.getExposedMetadatas(dto).length > 0 || transformerMetadata.getExcludedMetadatas(dto).length > 0) return null;
  const storage = getMetadataStorage();
  // The arguments class-validator itself uses under Nest's pipe (no groups, always: false).
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false, undefined);
  if (metadatas.length === 0) return null;
  const byProperty = new Map<string, { conditions: PropertyCheck['conditions'][number][]; rules: RuleCheck[] }>();
  for (const m of metadatas) {
    if ((m.groups?.length ?? 0) > 0 || m.always === true || m.each || m.context !== undefined) return null;
    if (RESERVED.has(m.propertyName) || transformerMetadata.findTypeMetadata(dto, m.propertyName) !== undefined) return null;
    if (transformerMetadata.findTransformMetadatas(dto, m.propertyName, TransformationType.PLAIN_TO_CLASS).length > 0) return null;
    let property = byProperty.get(m.propertyName);
    if (property === undefined) {
      property = { conditions: [], rules: [] };
      byProperty.set(m.propertyName, property);
    }
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      property.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
    } else if (m.type === ValidationTypes.CUSTOM_VALIDATION) {
      for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
        if (c.async) return null;
        property.rules.push({ validator: c.instance as ValidatorConstraintInterface, constraints: m.constraints, validateIf: m.validateIf });
      }
    } else {
      return null;
    }
  }
  const properties: PropertyCheck[] = [...byProperty].map(([name, p]) => ({ name, ...p }));
  const known = new Set(properties.map((p) => p.name));
  // An own property without rules (a field initialiser) would be deleted by `whitelist`.
  if (Object.keys(new dto()).some((key) => !known.has(key))) return null;
  const targetName = dto.name;

  return (plain) => {
    const instance = new dto() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      // Properties without rules are dropped, as `whitelist: true` does.
      if (!known.has(key)) continue;
      const value = plain[key];
      // class-transformer would rebuild objects and arrays; only values it copies as they are are copied here.
      if (value !== null && typeof value === 'object') return undefined;
      instance[key] = value;
    }
    for (const p of properties) {
      const value = instance[p.name];
      let conditionsHold = true;
      for (const condition of p.conditions) conditionsHold = condition(instance, value) && conditionsHold;
      if (!conditionsHold) continue;
      for (const rule of p.rules) {
        if (rule.validateIf !== undefined && !rule.validateIf(instance, value)) continue;
        const args: ValidationArguments = { targetName, property: p.name, object: instance, value, constraints: rule.constraints };
        if (rule.validator.validate(value, args) !== true) return undefined;
      }
    }
    return instance;
  };
}
