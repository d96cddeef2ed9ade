import { ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';

/**
 * Applies decorators as if they were written one above the other on the property: the bottom one first, as TypeScript
 * does, so class-validator's constraints (and so the order of the 400's messages) stay what they were written inline.
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => [...decorators].reverse().forEach((decorate) => decorate(target, key));
}

/** An optional nested object of `type`. */
export function OptionalNested(type: new () => object): PropertyDecorator {
  return stacked(
    ApiPropertyOptional({ type }),
    IsOptional(),
    ValidateNested(),
    Type(() => type),
  );
}

/** An optional list (at most `maxSize`) of nested objects of `type`. */
export function OptionalNestedList(
  type: new () => object,
  maxSize: number,
  api: Pick<ApiPropertyOptions, 'description'> = {},
): PropertyDecorator {
  return stacked(
    ApiPropertyOptional({ type: [type], ...api }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(maxSize),
    ValidateNested({ each: true }),
    Type(() => type),
  );
}

/** An optional integer from `min` to `max`. */
export function OptionalInt(min: number, max: number): PropertyDecorator {
  return stacked(ApiPropertyOptional(), IsOptional(), IsInt(), Min(min), Max(max));
}
