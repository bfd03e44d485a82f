import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';

const MAX_KEY_BYTES = 1024;

export function checkKey(key: string): void {
  if (key.length === 0) throw new BadRequestException('key must not be empty');
  if (key.startsWith('__cluster/')) throw new BadRequestException('keys under __cluster/ are reserved for cluster metadata');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new BadRequestException(`key is longer than ${MAX_KEY_BYTES} bytes`);
}

export function checkValue(value: string, maxBytes: number): void {
  const size = Buffer.byteLength(value);
  if (size > maxBytes) throw new PayloadTooLargeException(`value is ${size} bytes; the limit is ${maxBytes}`);
}
