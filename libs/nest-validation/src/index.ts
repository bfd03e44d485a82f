export { CompiledValidationPipe, VALIDATION_OPTIONS } from './compiled-validation.pipe';
export { compileDtoFastCheck, type DtoFastCheck } from './dto-fast-check';
