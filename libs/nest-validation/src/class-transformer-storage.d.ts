// class-transformer keeps its decorator metadata in a module it ships without typings beside
// it (they live under types/); this names the typings for that module.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
